package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.zcc.agent.keys.NoiseKeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.noise.NoiseProtocol;
import net.zcc.agent.noise.SecureRandomKeyPairSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two Noise key sources agree on a session key over the real key server's directory and relay. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NoiseOverKeyServerTest {

    @TempDir
    Path tmp;

    @Test
    void twoHostsAgreeOnASessionKeyThroughTheRelay() throws Exception {
        InetAddress addressA = InetAddress.getByName("198.18.40.1");
        InetAddress addressB = InetAddress.getByName("198.18.40.2");
        // A first handshake includes TLS connects and lookups; the default 1 s wait is for a warm agent.
        NoiseKeySource.Settings settings = new NoiseKeySource.Settings(NoiseProtocol.KK_25519_CHACHAPOLY_SHA256,
                Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofMinutes(5));
        try (LiveKeyServer ks = new LiveKeyServer(tmp)) {
            AgentIdentity a = ks.enrolledHost(tmp.resolve("a"), "198.18.40.1");
            AgentIdentity b = ks.enrolledHost(tmp.resolve("b"), "198.18.40.2");
            try (KeyServerClient clientA = KeyServerClient.open(a); KeyServerClient clientB = KeyServerClient.open(b);
                    NoiseKeySource sourceA = source(a, clientA, settings);
                    NoiseKeySource sourceB = source(b, clientB, settings)) {
                sourceA.start();
                sourceB.start();
                Optional<SessionKey> k = sourceA.current(addressB);
                assertTrue(k.isPresent(), "A got no session key with B");
                Optional<SessionKey> atB = sourceB.byIdAsync(addressA, k.get().id()).get(10, TimeUnit.SECONDS);
                assertTrue(atB.isPresent(), "B does not know A's key id");
                assertEquals(k.get().id(), atB.get().id());
                assertArrayEquals(k.get().key(), atB.get().key());
            }
        }
    }

    private static NoiseKeySource source(AgentIdentity id, KeyServerClient client, NoiseKeySource.Settings settings) {
        return new NoiseKeySource(id.noiseKeyPair(), client.peerDirectory(), client.relayTransport(), settings,
                new SecureRandomKeyPairSource());
    }
}
