package net.zcc.keyserver.rpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.client.XmlRpcSun15HttpTransportFactory;

/** Clients for the tests: the real XML-RPC client and a raw HTTPS poster, both with bounded waits. */
final class RpcClients {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private RpcClients() { }

    /** An XML-RPC client that trusts only the test certificate. */
    static XmlRpcClient xmlRpc(URI uri) throws Exception {
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        config.setServerURL(uri.toURL());
        config.setEnabledForExtensions(false);
        config.setConnectionTimeout((int) TIMEOUT.toMillis());
        config.setReplyTimeout((int) TIMEOUT.toMillis());
        XmlRpcClient client = new XmlRpcClient();
        client.setConfig(config);
        XmlRpcSun15HttpTransportFactory transport = new XmlRpcSun15HttpTransportFactory(client);
        transport.setSSLSocketFactory(TestTls.clientContext().getSocketFactory());
        client.setTransportFactory(transport);
        return client;
    }

    /** An HTTP/1.1 client for hand-made payloads. */
    static HttpClient raw() throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestTls.clientContext())
                .connectTimeout(TIMEOUT)
                .build();
    }

    /** Posts {@code body} as text/xml and returns the response. */
    static HttpResponse<String> post(HttpClient http, URI uri, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Content-Type", "text/xml")
                .POST(body)
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Posts an XML string. */
    static HttpResponse<String> post(HttpClient http, URI uri, String xml) throws Exception {
        return post(http, uri, HttpRequest.BodyPublishers.ofString(xml, StandardCharsets.UTF_8));
    }
}
