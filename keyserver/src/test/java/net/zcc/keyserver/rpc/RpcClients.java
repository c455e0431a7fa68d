package net.zcc.keyserver.rpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import net.zcc.keyserver.testing.TlsClients;
import org.apache.xmlrpc.client.XmlRpcClient;

/** {@link TlsClients} bound to the keytool test certificate ({@link TestTls}) of the rpc tests. */
final class RpcClients {

    static final Duration TIMEOUT = TlsClients.TIMEOUT;

    private RpcClients() { }

    /** An XML-RPC client that trusts only the test certificate. */
    static XmlRpcClient xmlRpc(URI uri) throws Exception {
        return TlsClients.xmlRpc(uri, TestTls.clientContext());
    }

    /** An HTTP/1.1 client for hand-made payloads. */
    static HttpClient raw() throws Exception {
        return TlsClients.http(TestTls.clientContext());
    }

    /** Posts {@code body} as text/xml and returns the response. */
    static HttpResponse<String> post(HttpClient http, URI uri, HttpRequest.BodyPublisher body) throws Exception {
        return TlsClients.postXml(http, uri, body);
    }

    /** Posts an XML string. */
    static HttpResponse<String> post(HttpClient http, URI uri, String xml) throws Exception {
        return TlsClients.postXml(http, uri, xml);
    }
}
