package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.zcc.agent.keys.PeerKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts against a real in-process key server over TLS: enrollment with {@code zcc enroll},
 * approval, lookups of each other's static key, a relay message, and revocation.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KeyServerClientEndToEndTest {

    private static final String ADDRESS_A = "198.18.30.1";
    private static final String ADDRESS_B = "2001:2::31";

    private record Message(PeerKey from, byte[] bytes) {
    }

    @TempDir
    Path tmp;

    @Test
    void enrollLookUpRelayAndRevoke() throws Exception {
        try (LiveKeyServer ks = new LiveKeyServer(tmp)) {
            Path dirA = tmp.resolve("host-a");
            String token = ks.token();
            LiveKeyServer.Run requested = ks.enrollWith(token, dirA, ADDRESS_A);
            assertEquals(5, requested.code(), requested.toString());
            AgentIdentity a = AgentIdentity.load(dirA);
            assertTrue(requested.out().contains(a.keyId()), requested.out());
            assertTrue(requested.out().contains(a.fleetCaFingerprint()), requested.out());
            assertNothingSecretIn(requested.out() + requested.err(), dirA, token);

            LiveKeyServer.Run early = LiveKeyServer.zcc("enroll", "--finish", "--identity", dirA.toString(),
                    "--wait", "300ms");
            assertEquals(5, early.code(), "not approved yet: " + early);
            assertTrue(ks.approve(a.keyId()));
            LiveKeyServer.Run finished = LiveKeyServer.zcc("enroll", "--finish", "--identity", dirA.toString());
            assertEquals(0, finished.code(), finished.toString());
            assertNothingSecretIn(finished.out() + finished.err(), dirA, token);
            a = AgentIdentity.load(dirA);
            assertTrue(a.clientCertificate().isPresent());

            LiveKeyServer.Run reused = ks.enrollWith(token, tmp.resolve("host-c"), "198.18.30.3");
            assertEquals(1, reused.code(), "a used token is refused: " + reused);
            assertTrue(reused.err().contains("token refused"), reused.err());

            AgentIdentity b = ks.enrolledHost(tmp.resolve("host-b"), ADDRESS_B);
            try (KeyServerClient clientA = KeyServerClient.open(a); KeyServerClient clientB = KeyServerClient.open(b)) {
                lookUpEachOther(a, b, clientA, clientB);
                BlockingQueue<Message> atB = new LinkedBlockingQueue<>();
                clientB.relayTransport().start((from, m) -> atB.add(new Message(from, m)));
                clientA.relayTransport().start((from, m) -> { });
                byte[] hello = "noise message 1".getBytes(StandardCharsets.US_ASCII);
                clientA.relayTransport().send(b.staticKey(), hello);
                Message got = atB.poll(10, TimeUnit.SECONDS);
                assertNotNull(got, "B received nothing");
                assertEquals(a.staticKey(), got.from());
                assertArrayEquals(hello, got.bytes());

                revokeA(ks, a, b, clientA, clientB, hello);
            }
            assertEquals(0, pollThreads(), "close() ends the poll threads");
        }
    }

    private static void lookUpEachOther(AgentIdentity a, AgentIdentity b, KeyServerClient clientA,
            KeyServerClient clientB) throws IOException {
        assertEquals(Optional.of(b.staticKey()), clientA.peerDirectory().lookup(InetAddress.getByName(ADDRESS_B)));
        assertEquals(Optional.of(a.staticKey()), clientB.peerDirectory().lookup(InetAddress.getByName(ADDRESS_A)));
        assertEquals(Optional.empty(), clientA.peerDirectory().lookup(InetAddress.getByName("198.18.30.99")),
                "an address nobody enrolled has no key");
    }

    private static void revokeA(LiveKeyServer ks, AgentIdentity a, AgentIdentity b, KeyServerClient clientA,
            KeyServerClient clientB, byte[] hello) throws Exception {
        assertTrue(ks.revoke(a.keyId()));
        IOException refused = assertThrows(IOException.class,
                () -> clientA.peerDirectory().lookup(InetAddress.getByName(ADDRESS_B)));
        assertFalse(refused instanceof KeyServerFault, "refused at the TLS/HTTP layer, not by a fault: " + refused);
        assertTrue(refused.getMessage().contains("403"), refused.getMessage());
        RelayClient relayA = assertInstanceOf(RelayClient.class, clientA.relayTransport());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!relayA.refusedAsRevoked() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(relayA.refusedAsRevoked(), "A's poll loop sees 403");
        assertEquals(403, relayA.lastPollStatus());
        assertThrows(IOException.class, () -> clientA.relayTransport().send(b.staticKey(), hello));
        assertEquals(Optional.empty(), clientB.peerDirectory().lookup(InetAddress.getByName(ADDRESS_A)),
                "a revoked host's key is no longer handed out");
        assertEquals(Optional.of(b.staticKey()), clientB.peerDirectory().lookup(InetAddress.getByName(ADDRESS_B)));
    }

    private static void assertNothingSecretIn(String output, Path dir, String token) throws IOException {
        assertFalse(output.contains(token), "the token is not printed");
        String noise = Files.readString(dir.resolve(AgentIdentity.NOISE_KEY)).trim();
        assertFalse(output.contains(noise), "the static private key is not printed");
        String tls = Files.readString(dir.resolve(AgentIdentity.TLS_KEY));
        String firstLine = tls.split("\n")[1];
        assertFalse(output.contains(firstLine), "the TLS private key is not printed");
        assertFalse(output.contains("PRIVATE KEY"));
    }

    static long pollThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(RelayClient.THREAD_NAME) && t.isAlive()).count();
    }
}
