package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;
import net.zcc.agent.noise.SecureRandomKeyPairSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay as it fails in the field: a host that is not polling yet (its messages wait), lost
 * messages, a peer that restarts. After each, every key one side offers must be one the other
 * accepts: the two agents never end up on keys the other does not hold.
 */
class KeyAgreementScenariosTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final NoiseKeySource.Settings SETTINGS = new NoiseKeySource.Settings(
            NoiseProtocol.KK_25519_CHACHAPOLY_SHA256, TIMEOUT, Duration.ofMinutes(2), Duration.ofSeconds(30),
            Duration.ofMinutes(5));

    /** A relay that holds a host's messages while it is paused (not polling) and can lose messages. */
    private static final class PausableRelay {
        private final Map<PeerKey, RelayTransport.Receiver> receivers = new ConcurrentHashMap<>();
        private final Map<PeerKey, Deque<Object[]>> held = new ConcurrentHashMap<>();
        private final ExecutorService delivery = Executors.newSingleThreadExecutor();
        private volatile Predicate<byte[]> lose = m -> false;

        RelayTransport endpoint(PeerKey identity) {
            return new RelayTransport() {
                @Override
                public void start(Receiver receiver) {
                    receivers.put(identity, receiver);
                }

                @Override
                public void send(PeerKey to, byte[] message) {
                    if (!lose.test(message)) {
                        deliver(identity, to, message.clone());
                    }
                }

                @Override
                public void close() {
                }
            };
        }

        synchronized void pause(PeerKey host) {
            held.putIfAbsent(host, new ArrayDeque<>());
        }

        synchronized void resume(PeerKey host) {
            Deque<Object[]> q = held.remove(host);
            for (Object[] e : q) {
                delivery.execute(() -> receivers.get(host).onMessage((PeerKey) e[0], (byte[]) e[1]));
            }
        }

        private synchronized void deliver(PeerKey from, PeerKey to, byte[] message) {
            Deque<Object[]> q = held.get(to);
            if (q != null) {
                q.add(new Object[] {from, message});
                return;
            }
            delivery.execute(() -> {
                RelayTransport.Receiver r = receivers.get(to);
                if (r != null) {
                    r.onMessage(from, message);
                }
            });
        }
    }

    private final PausableRelay relay = new PausableRelay();
    private final Map<InetAddress, PeerKey> directory = new ConcurrentHashMap<>();
    private final List<NoiseKeySource> sources = new ArrayList<>();

    @AfterEach
    void close() {
        sources.forEach(NoiseKeySource::close);
        relay.delivery.shutdownNow();
    }

    private record Host(InetAddress address, NoiseKeyPair keys, PeerKey id) { }

    /** Two hosts, the first with the lower static key (it wins simultaneous starts). */
    private Host[] pair(String a, String b) throws Exception {
        NoiseKeyPair x = NoiseKeyPair.generate(RANDOM);
        NoiseKeyPair y = NoiseKeyPair.generate(RANDOM);
        if (PeerKey.of(x.publicKey()).compareTo(PeerKey.of(y.publicKey())) > 0) {
            NoiseKeyPair t = x;
            x = y;
            y = t;
        }
        Host ha = new Host(InetAddress.getByName(a), x, PeerKey.of(x.publicKey()));
        Host hb = new Host(InetAddress.getByName(b), y, PeerKey.of(y.publicKey()));
        directory.put(ha.address(), ha.id());
        directory.put(hb.address(), hb.id());
        return new Host[] {ha, hb};
    }

    private NoiseKeySource start(Host h) throws Exception {
        NoiseKeySource s = new NoiseKeySource(h.keys(), addr -> Optional.ofNullable(directory.get(addr)),
                relay.endpoint(h.id()), SETTINGS, Clock.systemUTC(), new SecureRandomKeyPairSource(RANDOM));
        s.start();
        sources.add(s);
        return s;
    }

    /** What {@code from} offers to {@code to} is accepted by {@code to}, both ways, within a bound. */
    private static void assertMutuallyAccepted(NoiseKeySource a, Host ha, NoiseKeySource b, Host hb) throws Exception {
        assertTrue(offerAccepted(a, hb, b, ha), "B accepts what A offers");
        assertTrue(offerAccepted(b, ha, a, hb), "A accepts what B offers");
    }

    private static boolean offerAccepted(NoiseKeySource from, Host to, NoiseKeySource at, Host fromHost) throws Exception {
        Optional<SessionKey> k = from.currentAsync(to.address()).get(2, TimeUnit.SECONDS);
        return k.isPresent() && at.byIdAsync(fromHost.address(), k.get().id()).get(2, TimeUnit.SECONDS).isPresent();
    }

    @Test
    void aStaggeredStartWithTheFirstHostsMessageWaitingLeavesNoKeyOnlyOneSideHolds() throws Exception {
        Host[] h = pair("198.18.60.1", "198.18.60.2");
        NoiseKeySource a = start(h[0]);
        relay.pause(h[1].id()); // B is not polling yet: A's message 1 waits for it
        a.prepare(List.of(h[1].address()));
        Thread.sleep(TIMEOUT.toMillis() + 100); // A's attempt is older than the timeout when B starts
        NoiseKeySource b = start(h[1]);
        b.prepare(List.of(h[0].address())); // B's message 1 reaches A, A answers; B's mail still waits
        Thread.sleep(50);
        relay.resume(h[1].id()); // B's first poll: A's old message 1, then A's message 2
        Thread.sleep(100);
        assertMutuallyAccepted(a, h[0], b, h[1]);
    }

    @Test
    void aLostMessageTwoAtFirstContactLeavesTheResponderOfferingNothingItCannotBackUp() throws Exception {
        Host[] h = pair("198.18.60.11", "198.18.60.12");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        relay.lose = m -> m[0] == HandshakeMessage.MESSAGE_2;
        a.prepare(List.of(h[1].address())); // B answers and holds a key A never gets
        Thread.sleep(TIMEOUT.toMillis() + 50);
        relay.lose = m -> false;
        assertTrue(offerAccepted(b, h[0], a, h[1]), "B's first connection to A: a key A holds");
        assertMutuallyAccepted(a, h[0], b, h[1]);
    }

    @Test
    void aLostConfirmationOnlyCostsTheResponderAHandshakeOfItsOwn() throws Exception {
        Host[] h = pair("198.18.60.21", "198.18.60.22");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        relay.lose = m -> m[0] == HandshakeMessage.CONFIRM;
        assertTrue(a.current(h[1].address()).isPresent());
        assertMutuallyAccepted(a, h[0], b, h[1]);
    }

    @Test
    void aPeerThatRestartsWithTheSameKeyIsOfferedAKeyItHolds() throws Exception {
        Host[] h = pair("198.18.60.31", "198.18.60.32");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        assertMutuallyAccepted(a, h[0], b, h[1]);
        b.close(); // B restarts: every session key it held is gone
        sources.remove(b);
        NoiseKeySource b2 = start(h[1]);
        b2.prepare(List.of(h[0].address())); // its service file names A
        Thread.sleep(100);
        assertMutuallyAccepted(a, h[0], b2, h[1]);
    }
}
