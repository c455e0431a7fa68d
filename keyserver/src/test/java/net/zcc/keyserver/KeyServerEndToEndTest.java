package net.zcc.keyserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.relay.Delivered;
import net.zcc.keyserver.relay.RelayWire;
import net.zcc.keyserver.store.KeyId;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.client.XmlRpcSun15HttpTransportFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wired key server over real TLS on 127.0.0.1 with Derby in a temp directory: tokens,
 * anonymous enrollment, approval, certificates, lookups, the relay, revocation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyServerEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final char[] PW = "test-only-pw".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path home;

    /** One enrolling host: its static key, its TLS key and (once fetched) its client context. */
    private static final class TestHost {
        final byte[] x25519 = new byte[32];
        final KeyPair tls;
        final String address;
        KeyId id;
        SSLContext ctx;

        TestHost(String address) throws Exception {
            RANDOM.nextBytes(x25519);
            tls = FleetCa.newEcKeyPair();
            this.address = address;
        }

        String x25519B64() {
            return Base64.getEncoder().encodeToString(x25519);
        }

        String tlsB64() {
            return Base64.getEncoder().encodeToString(tls.getPublic().getEncoded());
        }
    }

    @Test
    void enrollApproveLookupRelayRevoke() throws Exception {
        KeyPair adminKeys = FleetCa.newEcKeyPair();
        KeyId adminId = KeyId.of(new byte[32]);
        KeyServerConfig config = KeyServerConfig.defaults(home.resolve("ks"), "zcc", "correct horse battery".toCharArray())
                .withAdmins(Set.of(adminId)).withPollTimeout(Duration.ofSeconds(2));
        try (KeyServer server = new KeyServer(config)) {
            server.start();
            FleetCa ca = server.fleetCa();
            X509Certificate adminCert = ca.issueClientCertificate(adminId, adminKeys.getPublic(), Duration.ofDays(1));
            SSLContext adminCtx = context(ca, adminKeys, adminCert);
            XmlRpcClient admin = xmlRpc(server.rpcUri(), adminCtx);
            XmlRpcClient anonymous = xmlRpc(server.rpcUri(), context(ca, null, null));

            // Admin issues tokens; hosts enroll anonymously.
            TestHost a = new TestHost("198.18.10.1");
            TestHost b = new TestHost("198.18.10.2");
            String tokenA = token(admin, 600);
            String tokenB = token(admin, 600);
            a.id = new KeyId((String) anonymous.execute("Enroll.request",
                    new Object[] {tokenA, a.x25519B64(), new Object[] {a.address}, a.tlsB64()}));
            b.id = new KeyId((String) anonymous.execute("Enroll.request",
                    new Object[] {tokenB, b.x25519B64(), new Object[] {b.address}, b.tlsB64()}));
            assertEquals(KeyId.of(a.x25519), a.id);

            // A reused token and an expired one are refused.
            TestHost c = new TestHost("198.18.10.3");
            XmlRpcException reused = assertThrows(XmlRpcException.class, () -> anonymous.execute("Enroll.request",
                    new Object[] {tokenA, c.x25519B64(), new Object[] {c.address}, c.tlsB64()}));
            assertTrue(reused.getMessage().contains("token refused"), reused.getMessage());
            String shortLived = token(admin, 1);
            Thread.sleep(1_100);
            XmlRpcException expired = assertThrows(XmlRpcException.class, () -> anonymous.execute("Enroll.request",
                    new Object[] {shortLived, c.x25519B64(), new Object[] {c.address}, c.tlsB64()}));
            assertTrue(expired.getMessage().contains("token refused"), expired.getMessage());

            // Non-admins (anonymous) cannot use Admin.*; keys are added by the admin.
            assertThrows(XmlRpcException.class, () -> anonymous.execute("Admin.approve", new Object[] {a.id.hex()}));
            byte[] keyA = random32();
            byte[] keyB = random32();
            assertEquals(true, admin.execute("Admin.addKey", new Object[] {a.id.hex(), "chacha20", b64(keyA)}));
            assertEquals(true, admin.execute("Admin.addKey", new Object[] {b.id.hex(), "chacha20", b64(keyB)}));

            // Before approval: no lookup result, no certificate.
            XmlRpcException noKey = assertThrows(XmlRpcException.class,
                    () -> admin.execute("Keys.lookup", new Object[] {b.address, "chacha20"}));
            assertTrue(noKey.getMessage().contains("no key"), noKey.getMessage());
            assertThrows(XmlRpcException.class,
                    () -> anonymous.execute("Enroll.certificate", new Object[] {a.id.hex(), a.tlsB64()}));

            assertEquals(true, admin.execute("Admin.approve", new Object[] {a.id.hex()}));
            assertEquals(true, admin.execute("Admin.approve", new Object[] {b.id.hex()}));

            // A wrong TLS key gets no certificate; the right one does.
            TestHost impostor = new TestHost("198.18.10.9");
            assertThrows(XmlRpcException.class,
                    () -> anonymous.execute("Enroll.certificate", new Object[] {a.id.hex(), impostor.tlsB64()}));
            a.ctx = fetchCertificate(anonymous, ca, a);
            b.ctx = fetchCertificate(anonymous, ca, b);

            // With its certificate, A looks up B's key.
            XmlRpcClient hostA = xmlRpc(server.rpcUri(), a.ctx);
            XmlRpcClient hostB = xmlRpc(server.rpcUri(), b.ctx);
            assertEquals(b64(keyB), hostA.execute("Keys.lookup", new Object[] {b.address, "chacha20"}));
            assertThrows(XmlRpcException.class, () -> hostA.execute("Admin.revoke", new Object[] {b.id.hex()}));

            // The relay: B long-polls, A sends, B gets A's message.
            HttpClient httpA = http(a.ctx);
            HttpClient httpB = http(b.ctx);
            CompletableFuture<HttpResponse<byte[]>> waiting = poll(httpB, server);
            byte[] message = "handshake message 1".getBytes(StandardCharsets.UTF_8);
            HttpResponse<byte[]> sent = httpA.send(HttpRequest.newBuilder(
                    server.baseUri().resolve(KeyServer.RELAY_SEND + "/" + b.id.hex())).timeout(WAIT)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(204, sent.statusCode());
            HttpResponse<byte[]> got = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, got.statusCode());
            List<Delivered> frames = RelayWire.decode(got.body());
            assertEquals(1, frames.size());
            assertEquals(a.id, frames.get(0).from());
            assertArrayEquals(message, frames.get(0).message());

            // Revoke A: its lookups and polls are refused with 403; B is still served.
            assertEquals(true, admin.execute("Admin.revoke", new Object[] {a.id.hex()}));
            HttpResponse<String> lookupA = httpA.send(HttpRequest.newBuilder(server.rpcUri()).timeout(WAIT)
                    .header("Content-Type", "text/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(lookupXml(b.address))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, lookupA.statusCode());
            assertEquals(403, poll(httpA, server).get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
            HttpResponse<byte[]> sendA = httpA.send(HttpRequest.newBuilder(
                    server.baseUri().resolve(KeyServer.RELAY_SEND + "/" + b.id.hex())).timeout(WAIT)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(403, sendA.statusCode());
            XmlRpcException aGone = assertThrows(XmlRpcException.class,
                    () -> hostB.execute("Keys.lookup", new Object[] {a.address, "chacha20"}));
            assertTrue(aGone.getMessage().contains("no key"), aGone.getMessage());
            assertEquals(b64(keyB), hostB.execute("Keys.lookup", new Object[] {b.address, "chacha20"}));
            HttpResponse<byte[]> emptyPoll = poll(httpB, server).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, emptyPoll.statusCode());
            assertEquals(0, emptyPoll.body().length);
            // A revoked host gets no new certificate either.
            assertThrows(XmlRpcException.class,
                    () -> anonymous.execute("Enroll.certificate", new Object[] {a.id.hex(), a.tlsB64()}));
        }
    }

    private static String lookupXml(String address) {
        return "<?xml version=\"1.0\"?><methodCall><methodName>Keys.lookup</methodName><params>"
                + "<param><value><string>" + address + "</string></value></param>"
                + "<param><value><string>chacha20</string></value></param></params></methodCall>";
    }

    private static CompletableFuture<HttpResponse<byte[]>> poll(HttpClient http, KeyServer server) {
        return http.sendAsync(HttpRequest.newBuilder(server.baseUri().resolve(KeyServer.RELAY_POLL)).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @SuppressWarnings("unchecked")
    private static String token(XmlRpcClient admin, int seconds) throws Exception {
        Map<String, Object> t = (Map<String, Object>) admin.execute("Admin.issueToken", new Object[] {seconds});
        return (String) t.get("token");
    }

    @SuppressWarnings("unchecked")
    private static SSLContext fetchCertificate(XmlRpcClient anonymous, FleetCa ca, TestHost h) throws Exception {
        Map<String, Object> r = (Map<String, Object>) anonymous.execute("Enroll.certificate",
                new Object[] {h.id.hex(), h.tlsB64()});
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate cert = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(((String) r.get("certificate")).getBytes(StandardCharsets.US_ASCII)));
        X509Certificate caCert = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(((String) r.get("caCertificate")).getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ca.certificate(), caCert);
        assertEquals(h.tls.getPublic(), cert.getPublicKey());
        return context(ca, h.tls, cert);
    }

    /** Trusts only the fleet CA; presents {@code cert} with {@code keys} if given. */
    private static SSLContext context(FleetCa ca, KeyPair keys, X509Certificate cert) throws Exception {
        KeyManagerFactory kmf = null;
        if (keys != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", keys.getPrivate(), PW, new Certificate[] {cert, ca.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PW);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ca.trustStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static XmlRpcClient xmlRpc(URI uri, SSLContext ctx) throws Exception {
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        config.setServerURL(uri.toURL());
        config.setEnabledForExtensions(false);
        config.setConnectionTimeout((int) WAIT.toMillis());
        config.setReplyTimeout((int) WAIT.toMillis());
        XmlRpcClient client = new XmlRpcClient();
        client.setConfig(config);
        XmlRpcSun15HttpTransportFactory transport = new XmlRpcSun15HttpTransportFactory(client);
        transport.setSSLSocketFactory(ctx.getSocketFactory());
        client.setTransportFactory(transport);
        return client;
    }

    private static HttpClient http(SSLContext ctx) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ctx).connectTimeout(WAIT)
                .build();
    }

    private static byte[] random32() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void startFailureLeavesNothingRunningAndBadPasswordIsRefused() {
        KeyServerConfig config = KeyServerConfig.defaults(home.resolve("ks"), "zcc", "short".toCharArray());
        KeyServer server = new KeyServer(config);
        assertThrows(IllegalArgumentException.class, server::start);
        assertFalse(home.resolve("ks").resolve("ca").toFile().exists(), "CA not created after a failed store open");
    }
}
