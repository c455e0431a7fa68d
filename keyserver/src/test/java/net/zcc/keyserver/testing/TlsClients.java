package net.zcc.keyserver.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.zcc.keyserver.ca.FleetCa;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.client.XmlRpcSun15HttpTransportFactory;

/**
 * The TLS clients every key server test (and the lookup benchmark) talks through: the real
 * XML-RPC client and the JDK HTTP client, each over a given {@link SSLContext}, all waits bounded
 * by {@link #TIMEOUT}. One place, so the tests exercise the same client settings.
 */
public final class TlsClients {

    /** Connect and reply timeout of every client made here. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final char[] PW = "test-only-pw".toCharArray();

    private TlsClients() { }

    /** A TLS context trusting only {@code trustStore}'s certificates, presenting {@code keyManagers} (or none). */
    public static SSLContext context(KeyStore trustStore, KeyManager[] keyManagers) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Key managers presenting {@code cert} (issued by {@code ca}) with the private key of {@code keys}. */
    public static KeyManager[] keyManagers(FleetCa ca, KeyPair keys, X509Certificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", keys.getPrivate(), PW, new Certificate[] {cert, ca.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PW);
        return kmf.getKeyManagers();
    }

    /** Trusts only the fleet CA; presents {@code cert} with {@code keys} if given (null: anonymous). */
    public static SSLContext fleetClient(FleetCa ca, KeyPair keys, X509Certificate cert) throws Exception {
        return context(ca.trustStore(), keys == null ? null : keyManagers(ca, keys, cert));
    }

    /** An XML-RPC client (extensions off) for {@code uri} over {@code ctx}. */
    public static XmlRpcClient xmlRpc(URI uri, SSLContext ctx) throws Exception {
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        config.setServerURL(uri.toURL());
        config.setEnabledForExtensions(false);
        config.setConnectionTimeout((int) TIMEOUT.toMillis());
        config.setReplyTimeout((int) TIMEOUT.toMillis());
        XmlRpcClient client = new XmlRpcClient();
        client.setConfig(config);
        XmlRpcSun15HttpTransportFactory transport = new XmlRpcSun15HttpTransportFactory(client);
        transport.setSSLSocketFactory(ctx.getSocketFactory());
        client.setTransportFactory(transport);
        return client;
    }

    /** An HTTP/1.1 client over {@code ctx}, for the relay and hand-made payloads. */
    public static HttpClient http(SSLContext ctx) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(ctx)
                .connectTimeout(TIMEOUT)
                .build();
    }

    /** Posts {@code body} as text/xml and returns the response. */
    public static HttpResponse<String> postXml(HttpClient http, URI uri, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Content-Type", "text/xml")
                .POST(body)
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Posts an XML string. */
    public static HttpResponse<String> postXml(HttpClient http, URI uri, String xml) throws Exception {
        return postXml(http, uri, HttpRequest.BodyPublishers.ofString(xml, StandardCharsets.UTF_8));
    }
}
