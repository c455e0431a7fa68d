package net.zcc.agent.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import net.zcc.contract.rpc.MethodResponse;
import net.zcc.contract.rpc.MethodResponseReader;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientException;
import org.apache.xmlrpc.client.XmlRpcStreamTransport;
import org.apache.xmlrpc.client.XmlRpcTransport;
import org.apache.xmlrpc.client.XmlRpcTransportFactoryImpl;
import org.apache.xmlrpc.common.XmlRpcStreamRequestConfig;
import org.xml.sax.SAXException;

/**
 * XML-RPC over java.net.http: the library writes the request and the contract's
 * {@link MethodResponseReader} reads the response (core types only, a fault as code and text only,
 * DOCTYPE refused); the library's own response parser is never run (CVE-2019-17570).
 *
 * <p>Why java.net.http and not the library's {@code XmlRpcSun15HttpTransportFactory}: one
 * {@link HttpClient} then serves XML-RPC and the relay with one TLS context and one pool of
 * kept-alive connections; it verifies the host name by default, uses no proxy unless told (and
 * {@link KeyServerClient} tells it {@code NO_PROXY}: the key server is reached directly, whatever
 * the {@code https.proxyHost} properties say), and keeps us off HttpURLConnection's JVM-global
 * settings. Each call is bounded by {@link Bounded#exchange}: at most {@link #MAX_RESPONSE_BYTES},
 * and the whole exchange, body included, within the timeout.
 *
 * <p>Failures reach the caller as: {@link Fault} (the server answered with a fault),
 * or {@link XmlRpcClientException} whose cause is an {@link IOException} (no usable answer).
 */
final class HttpClientTransport extends XmlRpcStreamTransport {

    /** Longest response read: key server answers are a few KiB. */
    static final int MAX_RESPONSE_BYTES = 256 * 1024;

    /** A fault answered by the server: code and text only. */
    static final class Fault extends XmlRpcException {
        private static final long serialVersionUID = 1L;

        Fault(int code, String text) {
            super(code, text);
        }
    }

    /** Makes one transport per call; they share the client. */
    static final class Factory extends XmlRpcTransportFactoryImpl {
        private final HttpClient http;
        private final URI endpoint;
        private final Duration timeout;

        Factory(XmlRpcClient client, HttpClient http, URI endpoint, Duration timeout) {
            super(client);
            this.http = http;
            this.endpoint = endpoint;
            this.timeout = timeout;
        }

        @Override
        public XmlRpcTransport getTransport() {
            return new HttpClientTransport(getClient(), http, endpoint, timeout);
        }
    }

    private final HttpClient http;
    private final URI endpoint;
    private final Duration timeout;

    private HttpClientTransport(XmlRpcClient client, HttpClient http, URI endpoint, Duration timeout) {
        super(client);
        this.http = http;
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    @Override
    public Object sendRequest(XmlRpcRequest request) throws XmlRpcException {
        byte[] body = write(request);
        HttpRequest post = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response;
        try {
            response = Bounded.exchange(http, post, 200, MAX_RESPONSE_BYTES, "key server response", timeout);
        } catch (InterruptedIOException e) {
            throw new XmlRpcClientException("interrupted", e);
        } catch (IOException e) {
            throw failure("no answer from the key server at " + endpoint.getRawAuthority() + ": " + describe(e));
        }
        if (response.statusCode() != 200) {
            throw failure("the key server answered HTTP " + response.statusCode());
        }
        MethodResponse answer;
        try {
            answer = MethodResponseReader.read(response.body());
        } catch (IOException e) {
            throw new XmlRpcClientException(e.getMessage(), new IOException("malformed response from the key server"));
        }
        if (answer.fault()) {
            throw new Fault(answer.faultCode(), answer.faultText());
        }
        return answer.value();
    }

    /** No usable answer: the IOException cause tells the caller it was not a fault. */
    private static XmlRpcClientException failure(String why) {
        return new XmlRpcClientException(why, new IOException(why));
    }

    /** Some JDK exceptions (ConnectException from java.net.http) carry no message. */
    static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private byte[] write(XmlRpcRequest request) throws XmlRpcException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            newReqWriter(request).write(out);
            return out.toByteArray();
        } catch (IOException | SAXException e) {
            throw new XmlRpcClientException("cannot write the request: " + e.getMessage(), new IOException(e.getMessage()));
        }
    }

    // The stream hooks of the base class are unused: sendRequest above does the whole exchange.
    // readResponse above all: the library's version is the parser that deserialises faultCause.

    @Override
    protected Object readResponse(XmlRpcStreamRequestConfig config, InputStream in) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void close() {
    }

    @Override
    protected boolean isResponseGzipCompressed(XmlRpcStreamRequestConfig config) {
        return false;
    }

    @Override
    protected InputStream getInputStream() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void writeRequest(ReqWriter writer) {
        throw new UnsupportedOperationException();
    }
}
