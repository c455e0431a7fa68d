package net.zcc.keyserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.contract.rpc.RpcMethods;
import net.zcc.keyserver.api.Admin;
import net.zcc.keyserver.api.Enroll;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.relay.RelaySendServlet;
import net.zcc.keyserver.testing.TestClock;
import net.zcc.keyserver.testing.TlsClients;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wired key server over real TLS on 127.0.0.1 with Derby in a temp directory: tokens,
 * anonymous enrollment, approval, certificates, lookups of the enrolled static key, the relay with
 * the sender's static key, revocation that ends a waiting poll at once, the enrollment TLS key
 * across a restart, and the token sweep. Time moves on a {@link TestClock}, never by sleeping.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyServerEndToEndTest {

    private static final Duration WAIT = TlsClients.TIMEOUT;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String X25519 = RpcMethods.X25519_SCHEME;

    @TempDir
    Path home;

    private final TestClock clock = new TestClock();
    private final KeyPair adminKeys;
    private final KeyId adminId = KeyId.of(new byte[32]);

    KeyServerEndToEndTest() throws Exception {
        adminKeys = FleetCa.newEcKeyPair();
    }

    /** One enrolling host: its static key, its TLS key and (once fetched) its client context. */
    private static final class TestHost {
        final byte[] x25519 = random32();
        final KeyPair tls;
        final String address;
        KeyId id;
        SSLContext ctx;

        TestHost(String address) throws Exception {
            tls = FleetCa.newEcKeyPair();
            this.address = address;
        }

        String x25519B64() {
            return b64(x25519);
        }

        String tlsB64() {
            return b64(tls.getPublic().getEncoded());
        }
    }

    private KeyServerConfig config(Duration pollTimeout) {
        return KeyServerConfig.defaults(home.resolve("ks"), "zcc", "correct horse battery".toCharArray())
                .withAdmins(Set.of(adminId)).withPollTimeout(pollTimeout).withClock(clock);
    }

    private XmlRpcClient admin(KeyServer server) throws Exception {
        FleetCa ca = server.fleetCa();
        X509Certificate cert = ca.issueClientCertificate(adminId, adminKeys.getPublic(), Duration.ofDays(1));
        return TlsClients.xmlRpc(server.rpcUri(), TlsClients.fleetClient(ca, adminKeys, cert));
    }

    private static XmlRpcClient anonymous(KeyServer server) throws Exception {
        return TlsClients.xmlRpc(server.rpcUri(), TlsClients.fleetClient(server.fleetCa(), null, null));
    }

    private static KeyId enroll(XmlRpcClient anonymous, String token, TestHost h) throws Exception {
        h.id = new KeyId((String) anonymous.execute(RpcMethods.ENROLL_REQUEST,
                new Object[] {token, h.x25519B64(), new Object[] {h.address}, h.tlsB64()}));
        return h.id;
    }

    /** Enrolls, approves and certifies {@code h}: a host ready to use lookups and the relay. */
    private static void join(KeyServer server, XmlRpcClient admin, XmlRpcClient anonymous, TestHost h)
            throws Exception {
        enroll(anonymous, token(admin, 600), h);
        assertEquals(true, admin.execute(RpcMethods.ADMIN_APPROVE, new Object[] {h.id.hex()}));
        h.ctx = fetchCertificate(anonymous, server.fleetCa(), h);
    }

    @Test
    void enrollApproveLookupRelayRevoke() throws Exception {
        try (KeyServer server = new KeyServer(config(Duration.ofSeconds(2)))) {
            server.start();
            XmlRpcClient admin = admin(server);
            XmlRpcClient anonymous = anonymous(server);

            // Admin issues tokens; hosts enroll anonymously.
            TestHost a = new TestHost("198.18.10.1");
            TestHost b = new TestHost("198.18.10.2");
            String tokenA = token(admin, 600);
            enroll(anonymous, tokenA, a);
            enroll(anonymous, token(admin, 600), b);
            assertEquals(KeyId.of(a.x25519), a.id);

            // A reused token and an expired one are refused.
            TestHost c = new TestHost("198.18.10.3");
            XmlRpcException reused = assertThrows(XmlRpcException.class, () -> enroll(anonymous, tokenA, c));
            assertTrue(reused.getMessage().contains("token refused"), reused.getMessage());
            assertEquals(RpcFault.TOKEN_REFUSED.code(), reused.code, "clients tell faults apart by code");
            String shortLived = token(admin, 1);
            clock.advance(Duration.ofSeconds(1));
            XmlRpcException expired = assertThrows(XmlRpcException.class, () -> enroll(anonymous, shortLived, c));
            assertTrue(expired.getMessage().contains("token refused"), expired.getMessage());

            // Non-admins (anonymous) cannot use Admin.*; other schemes are added by the admin.
            assertThrows(XmlRpcException.class, () -> anonymous.execute(RpcMethods.ADMIN_APPROVE, new Object[] {a.id.hex()}));
            byte[] keyA = random32();
            byte[] keyB = random32();
            assertEquals(true, admin.execute(RpcMethods.ADMIN_ADD_KEY, new Object[] {a.id.hex(), "chacha20", b64(keyA)}));
            assertEquals(true, admin.execute(RpcMethods.ADMIN_ADD_KEY, new Object[] {b.id.hex(), "chacha20", b64(keyB)}));
            // The enrolled static key is stored under "x25519" and cannot be replaced or removed.
            XmlRpcException foreign = assertThrows(XmlRpcException.class,
                    () -> admin.execute(RpcMethods.ADMIN_ADD_KEY, new Object[] {a.id.hex(), X25519, b64(keyA)}));
            assertTrue(foreign.getMessage().contains("derived from"), foreign.getMessage());
            XmlRpcException twice = assertThrows(XmlRpcException.class,
                    () -> admin.execute(RpcMethods.ADMIN_ADD_KEY, new Object[] {a.id.hex(), X25519, a.x25519B64()}));
            assertTrue(twice.getMessage().contains("already has a key"), twice.getMessage());
            assertEquals(RpcFault.ALREADY_REGISTERED.code(), twice.code);
            XmlRpcException fixed = assertThrows(XmlRpcException.class,
                    () -> admin.execute(RpcMethods.ADMIN_MODIFY_KEY, new Object[] {a.id.hex(), X25519, b64(keyA)}));
            assertTrue(fixed.getMessage().contains("enrolled static key"), fixed.getMessage());
            assertThrows(XmlRpcException.class,
                    () -> admin.execute(RpcMethods.ADMIN_DELETE_KEY, new Object[] {a.id.hex(), X25519}));

            // Before approval: no lookup result (not even the static key), no certificate.
            for (String scheme : List.of("chacha20", X25519)) {
                XmlRpcException noKey = assertThrows(XmlRpcException.class,
                        () -> admin.execute(RpcMethods.KEYS_LOOKUP, new Object[] {b.address, scheme}));
                assertTrue(noKey.getMessage().contains("no key"), noKey.getMessage());
                assertEquals(RpcFault.NO_KEY.code(), noKey.code);
            }
            XmlRpcException unapproved = assertThrows(XmlRpcException.class,
                    () -> anonymous.execute(RpcMethods.ENROLL_CERTIFICATE, new Object[] {a.id.hex(), a.tlsB64()}));
            assertEquals(RpcFault.NOT_APPROVED.code(), unapproved.code);

            assertEquals(true, admin.execute(RpcMethods.ADMIN_APPROVE, new Object[] {a.id.hex()}));
            assertEquals(true, admin.execute(RpcMethods.ADMIN_APPROVE, new Object[] {b.id.hex()}));

            // A wrong TLS key gets no certificate; the right one does.
            TestHost impostor = new TestHost("198.18.10.9");
            assertThrows(XmlRpcException.class,
                    () -> anonymous.execute(RpcMethods.ENROLL_CERTIFICATE, new Object[] {a.id.hex(), impostor.tlsB64()}));
            a.ctx = fetchCertificate(anonymous, server.fleetCa(), a);
            b.ctx = fetchCertificate(anonymous, server.fleetCa(), b);

            // With its certificate, A looks up B's keys: the Noise static key under "x25519".
            XmlRpcClient hostA = TlsClients.xmlRpc(server.rpcUri(), a.ctx);
            XmlRpcClient hostB = TlsClients.xmlRpc(server.rpcUri(), b.ctx);
            assertEquals(b.x25519B64(), hostA.execute(RpcMethods.KEYS_LOOKUP, new Object[] {b.address, X25519}));
            assertEquals(b64(keyB), hostA.execute(RpcMethods.KEYS_LOOKUP, new Object[] {b.address, "chacha20"}));
            assertThrows(XmlRpcException.class, () -> hostA.execute(RpcMethods.ADMIN_REVOKE, new Object[] {b.id.hex()}));

            // The relay: B long-polls, A sends with its static key in front, B gets both.
            HttpClient httpA = TlsClients.http(a.ctx);
            HttpClient httpB = TlsClients.http(b.ctx);
            CompletableFuture<HttpResponse<byte[]>> waiting = poll(httpB, server);
            byte[] message = "handshake message 1".getBytes(StandardCharsets.UTF_8);
            assertEquals(204, send(httpA, server, b.id, RelayWire.sendBody(a.x25519, message)).statusCode());
            HttpResponse<byte[]> got = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, got.statusCode());
            List<RelayWire.Frame> frames = RelayWire.decode(got.body());
            assertEquals(1, frames.size());
            assertEquals(a.id, KeyId.of(frames.get(0).senderKey()));
            assertArrayEquals(a.x25519, frames.get(0).senderKey());
            assertArrayEquals(message, frames.get(0).message());

            // A cannot speak with B's key: the key must be that of its client certificate.
            HttpResponse<byte[]> spoofed = send(httpA, server, KeyId.of(c.x25519), RelayWire.sendBody(b.x25519, message));
            assertEquals(403, spoofed.statusCode());
            assertEquals(RelaySendServlet.WRONG_SENDER_KEY + "\n", new String(spoofed.body(), StandardCharsets.UTF_8));
            assertEquals(400, send(httpA, server, b.id, new byte[32]).statusCode(), "a key and no message");

            // B leaves a message for A (A is not polling); revoking A drops it with A's mailbox.
            assertEquals(204, send(httpB, server, a.id, RelayWire.sendBody(b.x25519, message)).statusCode());
            assertEquals(1, server.relay().pendingMessages(a.id));

            // Revoke A: its lookups, polls and sends are refused with 403; B is still served.
            assertEquals(true, admin.execute(RpcMethods.ADMIN_REVOKE, new Object[] {a.id.hex()}));
            assertEquals(0, server.relay().pendingMessages(a.id), "A's mailbox dropped at revocation");
            assertRefusedEverywhere(server, a, b);
            XmlRpcException aGone = assertThrows(XmlRpcException.class,
                    () -> hostB.execute(RpcMethods.KEYS_LOOKUP, new Object[] {a.address, X25519}));
            assertTrue(aGone.getMessage().contains("no key"), aGone.getMessage());
            assertEquals(b.x25519B64(), hostB.execute(RpcMethods.KEYS_LOOKUP, new Object[] {b.address, X25519}));
            HttpResponse<byte[]> emptyPoll = poll(httpB, server).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, emptyPoll.statusCode());
            assertEquals(0, emptyPoll.body().length);
            // A revoked host gets no new certificate either.
            XmlRpcException revoked = assertThrows(XmlRpcException.class,
                    () -> anonymous.execute(RpcMethods.ENROLL_CERTIFICATE, new Object[] {a.id.hex(), a.tlsB64()}));
            assertEquals(RpcFault.NOT_APPROVED.code(), revoked.code);
        }
    }

    @Test
    void revocationAnswersAWaitingPollAtOnceAndThenRefusesEverything() throws Exception {
        // A 20 s poll timeout: an answer within a second can only come from the revocation.
        try (KeyServer server = new KeyServer(config(Duration.ofSeconds(20)))) {
            server.start();
            XmlRpcClient admin = admin(server);
            XmlRpcClient anonymous = anonymous(server);
            TestHost a = new TestHost("198.18.20.1");
            TestHost b = new TestHost("198.18.20.2");
            join(server, admin, anonymous, a);
            join(server, admin, anonymous, b);
            HttpClient httpA = TlsClients.http(a.ctx);
            HttpClient httpB = TlsClients.http(b.ctx);
            // Put A's "approved" answer into HostAccess's cache (2 s TTL): revocation must not wait for it.
            XmlRpcClient hostA = TlsClients.xmlRpc(server.rpcUri(), a.ctx);
            assertEquals(b.x25519B64(), hostA.execute(RpcMethods.KEYS_LOOKUP, new Object[] {b.address, X25519}));

            CompletableFuture<HttpResponse<byte[]>> waiting = poll(httpA, server);
            awaitWaitingPoll(server, a.id);
            assertFalse(waiting.isDone());
            long t0 = System.nanoTime();
            assertEquals(true, admin.execute(RpcMethods.ADMIN_REVOKE, new Object[] {a.id.hex()}));
            HttpResponse<byte[]> answer = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(403, answer.statusCode());
            assertTrue(ms < 1_000, "the waiting poll was answered " + ms + " ms after Admin.revoke");
            System.out.printf("revocation: waiting poll answered 403 %d ms after Admin.revoke was called%n", ms);
            assertEquals(0, server.relay().waitingPolls());
            assertRefusedEverywhere(server, a, b);
            // B is still served.
            assertEquals(b.x25519B64(), TlsClients.xmlRpc(server.rpcUri(), b.ctx)
                    .execute(RpcMethods.KEYS_LOOKUP, new Object[] {b.address, X25519}));
        }
    }

    @Test
    void theEnrollmentTlsKeySurvivesARestartBeforeApproval() throws Exception {
        TestHost h = new TestHost("198.18.30.1");
        try (KeyServer first = new KeyServer(config(Duration.ofSeconds(2)))) {
            first.start();
            enroll(anonymous(first), token(admin(first), 600), h);
        }
        try (KeyServer second = new KeyServer(config(Duration.ofSeconds(2)))) {
            second.start();
            XmlRpcClient admin = admin(second);
            XmlRpcClient anonymous = anonymous(second);
            assertEquals(true, admin.execute(RpcMethods.ADMIN_APPROVE, new Object[] {h.id.hex()}));
            TestHost other = new TestHost("198.18.30.2");
            assertThrows(XmlRpcException.class,
                    () -> anonymous.execute(RpcMethods.ENROLL_CERTIFICATE, new Object[] {h.id.hex(), other.tlsB64()}));
            h.ctx = fetchCertificate(anonymous, second.fleetCa(), h);
            XmlRpcClient host = TlsClients.xmlRpc(second.rpcUri(), h.ctx);
            assertEquals(h.x25519B64(), host.execute(RpcMethods.KEYS_LOOKUP, new Object[] {h.address, X25519}));
        }
    }

    @Test
    void theSweepDeletesExpiredAndUsedTokensOnly() throws Exception {
        try (KeyServer server = new KeyServer(config(Duration.ofSeconds(2)))) {
            server.start();
            Admin admin = new Admin(server.api(), Optional.of(adminId)); // in-process, as the console
            Enroll enroll = new Enroll(server.api());
            String used = (String) admin.issueToken(600).get("token");
            admin.issueToken(60); // expires before the sweep below
            String live = (String) admin.issueToken(600).get("token");
            TestHost h = new TestHost("198.18.40.1");
            enroll.request(used, h.x25519B64(), new Object[] {h.address}, h.tlsB64());
            assertEquals(3, server.api().tokens().stored());

            server.sweep();
            assertEquals(2, server.api().tokens().stored(), "the used token is deleted at once");
            clock.advance(Duration.ofSeconds(60));
            server.sweep();
            assertEquals(1, server.api().tokens().stored(), "the expired token is deleted from its expiry on");
            TestHost g = new TestHost("198.18.40.2");
            XmlRpcException reused = assertThrows(XmlRpcException.class,
                    () -> enroll.request(used, g.x25519B64(), new Object[] {g.address}, g.tlsB64()));
            assertTrue(reused.getMessage().contains("token refused"), reused.getMessage());
            assertEquals(RpcFault.TOKEN_REFUSED.code(), reused.code, "clients tell faults apart by code");
            enroll.request(live, g.x25519B64(), new Object[] {g.address}, g.tlsB64());
            server.sweep();
            assertEquals(0, server.api().tokens().stored());
        }
    }

    /** After revocation of {@code a}: its lookups, polls and sends get 403 over its live certificate. */
    private static void assertRefusedEverywhere(KeyServer server, TestHost a, TestHost b) throws Exception {
        HttpClient httpA = TlsClients.http(a.ctx);
        assertEquals(403, TlsClients.postXml(httpA, server.rpcUri(), lookupXml(b.address)).statusCode());
        assertEquals(403, poll(httpA, server).get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
        assertEquals(403, send(httpA, server, b.id, RelayWire.sendBody(a.x25519, new byte[] {7})).statusCode());
        XmlRpcClient hostA = TlsClients.xmlRpc(server.rpcUri(), a.ctx);
        assertThrows(XmlRpcException.class, () -> hostA.execute(RpcMethods.KEYS_LOOKUP, new Object[] {b.address, X25519}));
    }

    private static void awaitWaitingPoll(KeyServer server, KeyId host) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.relay().waitingPolls() < 1) {
            assertTrue(System.nanoTime() < deadline, "the poll never arrived");
            Thread.sleep(10);
        }
    }

    private static String lookupXml(String address) {
        return "<?xml version=\"1.0\"?><methodCall><methodName>Keys.lookup</methodName><params>"
                + "<param><value><string>" + address + "</string></value></param>"
                + "<param><value><string>" + X25519 + "</string></value></param></params></methodCall>";
    }

    private static CompletableFuture<HttpResponse<byte[]>> poll(HttpClient http, KeyServer server) {
        return http.sendAsync(HttpRequest.newBuilder(server.baseUri().resolve(RelayWire.POLL_PATH))
                .timeout(Duration.ofSeconds(25)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> send(HttpClient http, KeyServer server, KeyId to, byte[] body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(server.baseUri().resolve(RelayWire.sendPath(to)))
                .timeout(WAIT).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @SuppressWarnings("unchecked")
    private static String token(XmlRpcClient admin, int seconds) throws Exception {
        Map<String, Object> t = (Map<String, Object>) admin.execute(RpcMethods.ADMIN_ISSUE_TOKEN, new Object[] {seconds});
        return (String) t.get("token");
    }

    @SuppressWarnings("unchecked")
    private static SSLContext fetchCertificate(XmlRpcClient anonymous, FleetCa ca, TestHost h) throws Exception {
        Map<String, Object> r = (Map<String, Object>) anonymous.execute(RpcMethods.ENROLL_CERTIFICATE,
                new Object[] {h.id.hex(), h.tlsB64()});
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate cert = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(((String) r.get("certificate")).getBytes(StandardCharsets.US_ASCII)));
        X509Certificate caCert = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(((String) r.get("caCertificate")).getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ca.certificate(), caCert);
        assertEquals(h.tls.getPublic(), cert.getPublicKey());
        return TlsClients.fleetClient(ca, h.tls, cert);
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
