package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;
import net.zcc.agent.noise.SecureRandomKeyPairSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Agents that never shared a key, talking through the in-memory relay: first contact, cache,
 * simultaneous starts, an impostor, the relay down, and rekeying with a grace period.
 */
class NoiseKeySourceTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** Scheduling slack on a shared 2-core VM on top of the configured bound. */
    private static final long SLACK_MS = 400;
    private static final NoiseKeySource.Settings SETTINGS = new NoiseKeySource.Settings(
            NoiseProtocol.KK_25519_CHACHAPOLY_SHA256, TIMEOUT, Duration.ofMinutes(2),
            Duration.ofSeconds(30), Duration.ofMinutes(5));

    private final InMemoryRelay relay = new InMemoryRelay();
    private final MutableClock clock = new MutableClock();
    private final Map<InetAddress, PeerKey> directory = new ConcurrentHashMap<>();
    private final List<NoiseKeySource> sources = new ArrayList<>();
    private volatile boolean directoryDown;
    private volatile boolean directoryHangs;
    private final CountDownLatch hangUntilTestEnds = new CountDownLatch(1);

    /** One agent: its address, static key and key source. */
    private record Agent(InetAddress address, NoiseKeyPair keys, NoiseKeySource source) { }

    @AfterEach
    void closeAll() {
        hangUntilTestEnds.countDown();
        sources.forEach(NoiseKeySource::close);
        relay.close();
    }

    private Agent agent(String address) throws Exception {
        NoiseKeyPair keys = NoiseKeyPair.generate(RANDOM);
        InetAddress a = InetAddress.getByName(address);
        directory.put(a, PeerKey.of(keys.publicKey()));
        return start(a, keys, PeerKey.of(keys.publicKey()), directory);
    }

    /** An agent registered on the relay as {@code identity}, whatever its real key. */
    private Agent start(InetAddress a, NoiseKeyPair keys, PeerKey identity, Map<InetAddress, PeerKey> dir)
            throws Exception {
        return start(a, keys, identity, dir, SETTINGS);
    }

    private Agent start(InetAddress a, NoiseKeyPair keys, PeerKey identity, Map<InetAddress, PeerKey> dir,
            NoiseKeySource.Settings settings) throws Exception {
        NoiseKeySource s = new NoiseKeySource(keys, addr -> {
            if (directoryDown) {
                throw new java.io.IOException("key server unreachable (test)");
            }
            if (directoryHangs) { // a blackholed key server: no answer until the test ends (bounded)
                try {
                    hangUntilTestEnds.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new java.io.IOException("timed out (test)");
            }
            return Optional.ofNullable(dir.get(addr));
        }, relay.endpoint(identity), settings, clock, new SecureRandomKeyPairSource(RANDOM));
        s.start();
        sources.add(s);
        return new Agent(a, keys, s);
    }

    @Test
    void firstContactWaitsForTheHandshakeThenTheCacheAnswers() throws Exception {
        for (int round = 0; round < 3; round++) { // round 0 is cold (JIT), later ones warm
            Agent a = agent("198.18.2." + (10 + 2 * round));
            Agent b = agent("198.18.2." + (11 + 2 * round));
            long t0 = System.nanoTime();
            SessionKey first = a.source().current(b.address()).orElseThrow();
            long t1 = System.nanoTime();
            SessionKey cached = a.source().current(b.address()).orElseThrow();
            long t2 = System.nanoTime();
            System.out.printf("first contact (round %d): %.3f ms; cached lookup: %.3f ms%n",
                    round, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            assertEquals(first, cached);
            // The responder derived the same key and id, without a handshake of its own.
            assertEquals(first, byId(b, a.address(), first.id()).orElseThrow());
            assertEquals(first, b.source().current(a.address()).orElseThrow());
            assertFalse(first.toString().contains(java.util.HexFormat.of().formatHex(first.key())));
        }
    }

    @Test
    void simultaneousStartsConvergeOnOneKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Agent a = agent("198.18.100." + (2 * round + 1));
                Agent b = agent("198.18.100." + (2 * round + 2));
                CountDownLatch go = new CountDownLatch(1);
                Future<Optional<SessionKey>> fa = pool.submit(() -> {
                    go.await();
                    return a.source().current(b.address());
                });
                Future<Optional<SessionKey>> fb = pool.submit(() -> {
                    go.await();
                    return b.source().current(a.address());
                });
                go.countDown();
                SessionKey ka = fa.get().orElseThrow();
                SessionKey kb = fb.get().orElseThrow();
                assertEquals(ka, kb, "round " + round);
                assertEquals(ka, a.source().current(b.address()).orElseThrow());
                assertEquals(kb, b.source().current(a.address()).orElseThrow());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anImpostorNeverGetsAKeyAndCallersGetEmptyInTime() throws Exception {
        Agent a = agent("198.18.113.1");
        Agent b = agent("198.18.113.2");
        sources.remove(a.source());
        a.source().close(); // the impostor takes over A's relay identity, not A's private key
        Agent m = start(a.address(), NoiseKeyPair.generate(RANDOM), PeerKey.of(a.keys().publicKey()), directory);

        assertEmptyWithinBound(() -> m.source().current(b.address()));
        assertEmptyWithinBound(() -> b.source().current(a.address()));
        Thread.sleep(100); // let late messages land; nothing may have been installed
        for (int id : new int[] {0, -1}) {
            assertTrue(byId(b, a.address(), id).isEmpty());
        }
        assertTrue(b.source().toString().contains("peers"));
    }

    @Test
    void relayDownRefusesNewPeersInTimeAndKeepsExistingKeys() throws Exception {
        Agent a = agent("198.18.2.101");
        Agent b = agent("198.18.2.102");
        Agent c = agent("198.18.2.103");
        SessionKey ab = a.source().current(b.address()).orElseThrow();
        // The side that answered has its key first; wait (bounded) for the other side's too.
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (byId(b, a.address(), ab.id()).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(2);
        }
        relay.setDown(true);

        assertEmptyWithinBound(() -> a.source().current(c.address()));
        assertEquals(ab, a.source().current(b.address()).orElseThrow());
        clock.advance(Duration.ofMinutes(10)); // rekey due, but it cannot happen: keep the key
        assertEquals(ab, a.source().current(b.address()).orElseThrow());
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow());
    }

    @Test
    void rekeyGivesANewIdAndTheOldOneLastsTheGracePeriodOnceThePeerUsesTheNewOne() throws Exception {
        Agent a = agent("198.18.2.201");
        Agent b = agent("198.18.2.202");
        SessionKey old = a.source().current(b.address()).orElseThrow();
        int oldId = old.id();
        clock.advance(Duration.ofMinutes(3));

        assertEquals(old, a.source().current(b.address()).orElseThrow()); // stale key while rekeying
        SessionKey fresh = old;
        long until = System.nanoTime() + TIMEOUT.toNanos() + SLACK_MS * 1_000_000;
        while (fresh.id() == oldId && System.nanoTime() < until) {
            Thread.sleep(5);
            fresh = a.source().current(b.address()).orElseThrow();
        }
        assertNotEquals(oldId, fresh.id());
        // A confirmed it holds the new key (message 3): B offers it too. (Let the confirmation
        // land first: B's own key is as old as A's was, and asking B now would start B's rekey.)
        Thread.sleep(100);
        SessionKey fromB = b.source().current(a.address()).orElseThrow();
        until = System.nanoTime() + TIMEOUT.toNanos() + SLACK_MS * 1_000_000;
        while (fromB.id() != fresh.id() && System.nanoTime() < until) {
            Thread.sleep(5);
            fromB = b.source().current(a.address()).orElseThrow();
        }
        assertEquals(fresh, fromB, "B offers the confirmed new key");
        clock.advance(Duration.ofMinutes(1)); // past the grace period, but neither side has seen the other use the new key
        assertTrue(byId(a, b.address(), oldId).isPresent());
        assertTrue(byId(b, a.address(), oldId).isPresent());
        assertEquals(fresh, byId(b, a.address(), fresh.id()).orElseThrow()); // A offers it to B
        assertEquals(fresh, byId(a, b.address(), fresh.id()).orElseThrow()); // B offers it to A
        assertTrue(byId(b, a.address(), oldId).isPresent(), "the old one for the grace period");

        clock.advance(Duration.ofSeconds(31));
        assertTrue(byId(b, a.address(), oldId).isEmpty());
        assertTrue(byId(a, b.address(), oldId).isEmpty());
        assertTrue(byId(a, b.address(), fresh.id()).isPresent());
    }

    @Test
    void withTrafficOneWayAPeerThatNeverOffersAnythingStillGetsKeysAccepted() throws Exception {
        Agent a = agent("198.18.2.221");
        Agent b = agent("198.18.2.222");
        SessionKey k1 = a.source().current(b.address()).orElseThrow();
        SessionKey k3 = k1;
        for (int round = 0; round < 2; round++) { // A rekeys twice; B is never seen offering a key
            clock.advance(Duration.ofMinutes(3));
            SessionKey before = a.source().current(b.address()).orElseThrow();
            long until = System.nanoTime() + TIMEOUT.toNanos() + SLACK_MS * 1_000_000;
            do {
                Thread.sleep(5);
                k3 = a.source().current(b.address()).orElseThrow();
            } while (k3.id() == before.id() && System.nanoTime() < until);
            assertNotEquals(before.id(), k3.id());
        }
        clock.advance(Duration.ofMinutes(1)); // past every grace period
        // A never offered a key to B, but confirmed each new one (message 3): B offers the newest,
        // and A accepts it; A still accepts the first one too (B has not been seen using another).
        Thread.sleep(100); // let the last confirmation land before asking B (see the rekey test)
        long until = System.nanoTime() + TIMEOUT.toNanos() + SLACK_MS * 1_000_000;
        SessionKey offeredByB = b.source().current(a.address()).orElseThrow();
        while (offeredByB.id() != k3.id() && System.nanoTime() < until) {
            Thread.sleep(5);
            offeredByB = b.source().current(a.address()).orElseThrow();
        }
        assertEquals(k3, offeredByB);
        assertEquals(k1, byId(a, b.address(), k1.id()).orElseThrow());
        assertEquals(k3, byId(a, b.address(), k3.id()).orElseThrow()); // B offers it: A confirms
        clock.advance(Duration.ofSeconds(31));
        assertTrue(byId(a, b.address(), k1.id()).isEmpty(), "replaced keys: grace period only after the peer used the new one");
    }

    @Test
    void aLostMessageTwoLeavesBothSidesOnTheOldKeyNotOnTwoDifferentOnes() throws Exception {
        Agent a = agent("198.18.2.211");
        Agent b = agent("198.18.2.212");
        SessionKey old = a.source().current(b.address()).orElseThrow();
        assertEquals(old, byId(b, a.address(), old.id()).orElseThrow());
        relay.lose(m -> m[0] == 2); // the key server fails after delivering message 1
        clock.advance(Duration.ofMinutes(3));
        assertEquals(old, a.source().current(b.address()).orElseThrow()); // stale: a rekey starts, its message 2 is lost
        Thread.sleep(TIMEOUT.toMillis() / 2); // B answers (installs the new key) meanwhile
        clock.advance(Duration.ofMinutes(5)); // long past every grace period
        assertEquals(old, b.source().current(a.address()).orElseThrow(), "B keeps offering the key A holds");
        assertEquals(old, byId(b, a.address(), old.id()).orElseThrow(), "and keeps accepting it");
        assertEquals(old, byId(a, b.address(), old.id()).orElseThrow());

        relay.lose(m -> false); // back: the next rekey succeeds and both move on together
        // B's own rekey attempt (started by its current() above) may still be answered by A; let
        // that settle before time moves on, or A's newest (unconfirmed) key would be fresh again.
        Thread.sleep(TIMEOUT.toMillis());
        clock.advance(Duration.ofMinutes(3));
        SessionKey fresh = old;
        long until = System.nanoTime() + 3 * TIMEOUT.toNanos() + SLACK_MS * 1_000_000;
        while (fresh.id() == old.id() && System.nanoTime() < until) {
            Thread.sleep(5);
            fresh = a.source().current(b.address()).orElseThrow();
        }
        assertNotEquals(old.id(), fresh.id());
        assertEquals(fresh, byId(b, a.address(), fresh.id()).orElseThrow());
    }

    @Test
    void currentAsyncNeverBlocksTheCallerAndCompletesWithTheHandshake() throws Exception {
        Agent a = agent("198.18.3.1");
        Agent b = agent("198.18.3.2");
        long t0 = System.nanoTime();
        var f = a.source().currentAsync(b.address());
        long callMicros = (System.nanoTime() - t0) / 1000;
        assertFalse(f.isDone(), "no key yet: the caller gets a future, not a wait");
        SessionKey k = f.get(TIMEOUT.toMillis() + SLACK_MS, java.util.concurrent.TimeUnit.MILLISECONDS).orElseThrow();
        System.out.printf("currentAsync returned in %d us; key after the relayed handshake%n", callMicros);
        var again = a.source().currentAsync(b.address());
        assertTrue(again.isDone(), "cached: answered at once");
        assertEquals(k, again.get().orElseThrow());
        assertEquals(k, byId(b, a.address(), k.id()).orElseThrow());
    }

    @Test
    void preparedPeersHaveTheirSessionBeforeTheFirstConnection() throws Exception {
        Agent a = agent("198.18.3.41");
        Agent b = agent("198.18.3.42");
        Agent c = agent("198.18.3.43");
        a.source().prepare(List.of(b.address(), c.address(), InetAddress.getByName("198.18.3.99")));
        long until = System.nanoTime() + TIMEOUT.toNanos() + SLACK_MS * 1_000_000;
        while (!(a.source().currentAsync(b.address()).isDone() && a.source().currentAsync(c.address()).isDone())
                && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        var kb = a.source().currentAsync(b.address());
        assertTrue(kb.isDone() && kb.get().isPresent(), "ready without waiting");
        assertEquals(kb.get().get(), byId(b, a.address(), kb.get().get().id()).orElseThrow());
        assertTrue(a.source().currentAsync(c.address()).get().isPresent());
    }

    @Test
    void unknownPeerCompletesEmptyAndTheFutureNeverFails() throws Exception {
        Agent a = agent("198.18.3.11");
        var f = a.source().currentAsync(InetAddress.getByName("198.18.3.99"));
        assertTrue(f.get(TIMEOUT.toMillis() + SLACK_MS, java.util.concurrent.TimeUnit.MILLISECONDS).isEmpty());
    }

    @Test
    void aPeerTheDirectoryNoLongerKnowsLosesItsSessionsAtRevalidation() throws Exception {
        Agent a = agent("198.18.3.21");
        Agent b = agent("198.18.3.22");
        SessionKey k = a.source().current(b.address()).orElseThrow();
        assertEquals(k, byId(b, a.address(), k.id()).orElseThrow());

        directoryDown = true; // key server unreachable: revalidation changes nothing
        b.source().revalidate();
        assertEquals(k, byId(b, a.address(), k.id()).orElseThrow());
        assertEquals(0, b.source().revokedPeers());

        directoryDown = false;
        directory.remove(a.address()); // the key server revoked A: lookups answer "no key"
        b.source().revalidate();
        assertTrue(byId(b, a.address(), k.id()).isEmpty(), "A's offer is refused now");
        assertEquals(1, b.source().revokedPeers());
    }

    @Test
    void aSessionKeyIsAcceptedOnlyFromAnAddressOfTheHostItWasMadeWith() throws Exception {
        Agent a = agent("198.18.3.51");
        Agent b = agent("198.18.3.52");
        Agent c = agent("198.18.3.53");
        SessionKey ab = a.source().current(b.address()).orElseThrow();
        // An OFFER naming A's key id, sent from C's address or from an address no host owns:
        // the key id travels in clear, holding A's session must not let another address in.
        assertTrue(byId(b, c.address(), ab.id()).isEmpty());
        assertTrue(byId(b, InetAddress.getByName("198.18.3.99"), ab.id()).isEmpty());
        assertEquals(0, b.source().revokedPeers(), "a spoofed offer does not make A look revoked");
        b.source().revalidate();
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow(), "A itself is still served");
    }

    @Test
    void withTheKeyServerDownKnownPeersKeepWorkingPastTheCacheLifetime() throws Exception {
        Agent a = agent("198.18.3.61");
        Agent b = agent("198.18.3.62");
        SessionKey ab = a.source().current(b.address()).orElseThrow();
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow());
        directoryDown = true;
        clock.advance(Duration.ofMinutes(6)); // the directory answers (5 min TTL) have expired
        assertEquals(ab, a.source().current(b.address()).orElseThrow(), "initiator: last known key of B");
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow(), "responder: last known owner of A's address");
    }

    @Test
    void aKeyServerThatDoesNotAnswerDoesNotStallKnownPeers() throws Exception {
        Agent a = agent("198.18.3.71");
        Agent b = agent("198.18.3.72");
        SessionKey ab = a.source().current(b.address()).orElseThrow();
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow());
        directoryHangs = true;
        clock.advance(Duration.ofMinutes(6)); // every directory answer is past its 5 min TTL (keys are stale: rekeying starts)
        long t0 = System.nanoTime();
        var k = a.source().currentAsync(b.address());
        var atB = b.source().byIdAsync(a.address(), ab.id());
        assertTrue(k.isDone() && atB.isDone(), "answered from the last known directory answers, no wait");
        assertEquals(ab, k.get().orElseThrow());
        assertEquals(ab, atB.get().orElseThrow());
        assertTrue(System.nanoTime() - t0 < 100_000_000L);
    }

    @Test
    void aKeyIsRenewedAfterItsByteBudget() throws Exception {
        NoiseKeySource.Settings bytes = new NoiseKeySource.Settings(NoiseProtocol.KK_25519_CHACHAPOLY_SHA256,
                TIMEOUT, Duration.ofMinutes(2), 1000, Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofMinutes(5));
        NoiseKeyPair ka = NoiseKeyPair.generate(RANDOM);
        NoiseKeyPair kb = NoiseKeyPair.generate(RANDOM);
        InetAddress aa = InetAddress.getByName("198.18.3.31");
        InetAddress ab = InetAddress.getByName("198.18.3.32");
        directory.put(aa, PeerKey.of(ka.publicKey()));
        directory.put(ab, PeerKey.of(kb.publicKey()));
        Agent a = start(aa, ka, PeerKey.of(ka.publicKey()), directory, bytes);
        start(ab, kb, PeerKey.of(kb.publicKey()), directory, bytes);
        SessionKey old = a.source().current(ab).orElseThrow();
        old.countSealed(999);
        assertEquals(old, a.source().current(ab).orElseThrow(), "within budget");
        old.countSealed(1);
        assertEquals(old, a.source().current(ab).orElseThrow(), "spent: still used while the rekey runs");
        SessionKey fresh = old;
        long until = System.nanoTime() + TIMEOUT.toNanos() + SLACK_MS * 1_000_000;
        while (fresh.id() == old.id() && System.nanoTime() < until) {
            Thread.sleep(5);
            fresh = a.source().current(ab).orElseThrow();
        }
        assertNotEquals(old.id(), fresh.id(), "a new key after the byte budget");
    }

    /** The responder's answer for an OFFER from {@code peer}: it may first ask the directory who owns the address. */
    private static Optional<SessionKey> byId(Agent responder, InetAddress peer, int keyId) {
        try {
            return responder.source().byIdAsync(peer, keyId).get(TIMEOUT.toMillis() + SLACK_MS,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertEmptyWithinBound(java.util.function.Supplier<Optional<SessionKey>> call) {
        long t0 = System.nanoTime();
        Optional<SessionKey> k = call.get();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(k.isEmpty(), "expected no key");
        assertTrue(ms <= TIMEOUT.toMillis() + SLACK_MS, "took " + ms + " ms");
    }
}
