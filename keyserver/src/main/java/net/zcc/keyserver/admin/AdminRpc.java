package net.zcc.keyserver.admin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import net.zcc.contract.rpc.MethodResponse;
import net.zcc.contract.rpc.MethodResponseReader;

/**
 * XML-RPC calls of the admin client over java.net.http with mutual TLS. The HTTP client verifies
 * the server certificate against the host of the URL (an IP literal is matched against the IP
 * SANs), uses no proxy and follows no redirect.
 *
 * <p>Outcomes: a value; {@link Refused} (a fault, or HTTP 403 from the key server's per-request
 * key id check); {@link Unreachable} (no usable answer: connection, TLS handshake, any other HTTP
 * status, a malformed body).
 */
final class AdminRpc {

    /** How long a TCP + TLS connect may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long one call may take in all. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /** Longest response read (a host listing of a large fleet fits). */
    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

    /** The key server answered and said no. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** No usable answer from the key server. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    private final URI endpoint;
    private final HttpClient http;

    AdminRpc(URI endpoint, SSLContext tls) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build();
    }

    /** Calls {@code method} with String and Integer parameters. */
    Object call(String method, Object... params) throws Refused, Unreachable {
        HttpRequest post = HttpRequest.newBuilder(endpoint).timeout(CALL_TIMEOUT)
                .header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(RequestXml.methodCall(method, params),
                        StandardCharsets.UTF_8))
                .build();
        byte[] body;
        int status;
        try {
            HttpResponse<InputStream> response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                body = status == 200 ? in.readNBytes(MAX_RESPONSE_BYTES + 1) : new byte[0];
            }
        } catch (IOException e) {
            throw new Unreachable("cannot reach the key server at " + endpoint + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
        if (status == 403) {
            throw new Refused(method + ": refused (HTTP 403: this certificate's key id is not allowed)");
        }
        if (status != 200) {
            throw new Unreachable(method + ": the key server answered HTTP " + status);
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            throw new Unreachable(method + ": response larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        MethodResponse answer;
        try {
            answer = MethodResponseReader.read(body);
        } catch (IOException e) {
            throw new Unreachable(method + ": malformed response from the key server");
        }
        if (answer.fault()) {
            throw new Refused(method + ": refused: " + answer.faultText());
        }
        return answer.value();
    }

    /**
     * The first message along the cause chain ("PKIX path building failed: ...", "Connection
     * refused"), else the outermost exception's name: java.net.http often wraps a refused
     * connection as a message-less ConnectException around a ClosedChannelException.
     */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return MethodResponse.printable(t.getMessage());
            }
        }
        return e.getClass().getSimpleName() + (e instanceof java.net.ConnectException ? " (connection refused?)" : "");
    }
}
