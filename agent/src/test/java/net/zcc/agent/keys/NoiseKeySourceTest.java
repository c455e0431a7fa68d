package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;
import net.zcc.agent.noise.SecureRandomKeyPairSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Agents that never shared a key, talking through the in-memory relay on virtual time: first
 * contact, cache, simultaneous starts, an impostor, the relay down, and rekeying with a grace
 * period. Every wait is virtual: time moves when the test says so, and a bound is exact.
 */
class NoiseKeySourceTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration LATENCY = Duration.ofMillis(5);
    private static final NoiseKeySource.Settings SETTINGS = new NoiseKeySource.Settings(
            NoiseProtocol.KK_25519_CHACHAPOLY_SHA256, TIMEOUT, Duration.ofMinutes(2),
            Duration.ofSeconds(30), Duration.ofMinutes(5));

    /** Revalidation far off: these tests look at cache lifetimes, not at revocation. */
    private static final NoiseKeySource.Settings NO_REVALIDATION = new NoiseKeySource.Settings(
            NoiseProtocol.KK_25519_CHACHAPOLY_SHA256, TIMEOUT, Duration.ofMinutes(2), NoiseKeySource.DEFAULT_REKEY_BYTES,
            Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1));

    private final VirtualScheduler time = new VirtualScheduler();
    private final Instant epoch = time.now();
    private final InMemoryRelay relay = new InMemoryRelay(time);
    private final Map<InetAddress, PeerKey> directory = new ConcurrentHashMap<>();
    private final List<NoiseKeySource> sources = new ArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private volatile boolean directoryDown;

    /** One agent: its address, static key and key source. */
    private record Agent(InetAddress address, NoiseKeyPair keys, NoiseKeySource source) { }

    @AfterEach
    void closeAll() {
        sources.forEach(NoiseKeySource::close);
    }

    private Agent agent(String address) throws Exception {
        return agent(address, SETTINGS);
    }

    private Agent agent(String address, NoiseKeySource.Settings settings) throws Exception {
        NoiseKeyPair keys = NoiseKeyPair.generate(RANDOM);
        InetAddress a = InetAddress.getByName(address);
        directory.put(a, PeerKey.of(keys.publicKey()));
        return start(a, keys, PeerKey.of(keys.publicKey()), settings);
    }

    /** An agent registered on the relay as {@code identity}, whatever its real key. */
    private Agent start(InetAddress a, NoiseKeyPair keys, PeerKey identity, NoiseKeySource.Settings settings)
            throws Exception {
        NoiseKeySource s = new NoiseKeySource(keys, addr -> {
            lookups.incrementAndGet();
            if (directoryDown) {
                throw new java.io.IOException("key server unreachable (test)");
            }
            return Optional.ofNullable(directory.get(addr));
        }, relay.endpoint(identity), settings, time, new SecureRandomKeyPairSource(RANDOM));
        s.start();
        sources.add(s);
        return new Agent(a, keys, s);
    }

    @Test
    void firstContactWaitsForTheHandshakeThenTheCacheAnswers() throws Exception {
        Agent a = agent("198.18.2.10");
        Agent b = agent("198.18.2.11");
        Instant t0 = time.now();
        SessionKey first = current(a, b.address()).orElseThrow();
        // Message 1 there, message 2 back: two relay trips, nothing else waited for.
        assertEquals(LATENCY.multipliedBy(2), Duration.between(t0, time.now()));
        var cached = a.source().currentAsync(b.address());
        assertTrue(cached.isDone(), "cached: answered at once");
        assertEquals(first, cached.join().orElseThrow());
        // The responder derived the same key and id, without a handshake of its own.
        assertEquals(first, byId(b, a.address(), first.id()).orElseThrow());
        assertEquals(first, current(b, a.address()).orElseThrow());
        assertFalse(first.toString().contains(java.util.HexFormat.of().formatHex(first.key())));
    }

    /** Both sides start within a relay trip of each other, at every offset and latency: one key. */
    @Test
    void simultaneousStartsConvergeOnOneKey() throws Exception {
        for (int round = 0; round < 20; round++) {
            relay.latency(Duration.ofMillis(1 + round % 7));
            Agent a = agent("198.18.100." + (2 * round + 1));
            Agent b = agent("198.18.100." + (2 * round + 2));
            var fa = a.source().currentAsync(b.address());
            time.advance(Duration.ofMillis(round % 5)); // B starts this much later
            var fb = b.source().currentAsync(a.address());
            SessionKey ka = await(fa).orElseThrow();
            SessionKey kb = await(fb).orElseThrow();
            assertEquals(ka, kb, "round " + round);
            assertEquals(ka, current(a, b.address()).orElseThrow());
            assertEquals(kb, current(b, a.address()).orElseThrow());
        }
    }

    /**
     * Issue 9, finding 6: the key server's vouching for a peer ages while it cannot be reached
     * (revalidation fails), and is renewed by the first answer once it is back. The data path
     * refuses new require connections past the bound (ReplayAndStalenessTest).
     */
    @Test
    void vouchingAgesWhileTheKeyServerIsDownAndRenewsWhenItAnswers() throws Exception {
        Agent a = agent("198.18.114.1");
        Agent b = agent("198.18.114.2");
        current(a, b.address()).orElseThrow();
        assertTrue(a.source().sinceVouched(b.address()).compareTo(Duration.ofSeconds(1)) < 0, "just looked up");
        directoryDown = true;
        time.advance(Duration.ofMinutes(61));
        assertTrue(a.source().sinceVouched(b.address()).compareTo(Duration.ofMinutes(60)) > 0,
                "an hour of failed revalidations: " + a.source().sinceVouched(b.address()));
        assertTrue(current(a, b.address()).isPresent(), "the key source still answers: the policy decides");
        directoryDown = false;
        time.advance(SETTINGS.revalidateEvery().plusSeconds(1));
        assertTrue(a.source().sinceVouched(b.address()).compareTo(SETTINGS.revalidateEvery().plusSeconds(2)) < 0,
                "vouched again: " + a.source().sinceVouched(b.address()));
        assertEquals(1, a.source().peers().size());
        assertEquals(java.util.List.of(b.address()), a.source().peers().get(0).addresses());
    }

    @Test
    void anImpostorNeverGetsAKeyAndCallersGetEmptyInTime() throws Exception {
        Agent a = agent("198.18.113.1");
        Agent b = agent("198.18.113.2");
        sources.remove(a.source());
        a.source().close(); // the impostor takes over A's relay identity, not A's private key
        Agent m = start(a.address(), NoiseKeyPair.generate(RANDOM), PeerKey.of(a.keys().publicKey()), SETTINGS);

        assertEmptyAfterExactlyTheTimeout(m.source().currentAsync(b.address()));
        assertEmptyAfterExactlyTheTimeout(b.source().currentAsync(a.address()));
        time.advance(TIMEOUT); // let late messages land; nothing may have been installed
        for (int id : new int[] {0, -1}) {
            assertTrue(byId(b, a.address(), id).isEmpty());
        }
        assertEquals(0, b.source().sessions());
        assertTrue(b.source().toString().contains("peers"));
    }

    @Test
    void relayDownRefusesNewPeersInTimeAndKeepsExistingKeys() throws Exception {
        Agent a = agent("198.18.2.101");
        Agent b = agent("198.18.2.102");
        Agent c = agent("198.18.2.103");
        SessionKey ab = current(a, b.address()).orElseThrow();
        time.advance(LATENCY); // the confirmation reaches B
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow());
        relay.setDown(true);

        assertEmptyAfterExactlyTheTimeout(a.source().currentAsync(c.address()));
        assertEquals(ab, current(a, b.address()).orElseThrow());
        time.advance(Duration.ofMinutes(10)); // rekey due, but it cannot happen: keep the key
        assertEquals(ab, current(a, b.address()).orElseThrow());
        time.advance(TIMEOUT); // the rekey that started has timed out
        assertEquals(ab, current(a, b.address()).orElseThrow());
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow());
    }

    @Test
    void rekeyGivesANewIdAndTheOldOneLastsTheGracePeriodOnceThePeerUsesTheNewOne() throws Exception {
        Agent a = agent("198.18.2.201");
        Agent b = agent("198.18.2.202");
        SessionKey old = current(a, b.address()).orElseThrow();
        int oldId = old.id();
        time.advance(Duration.ofMinutes(3));

        assertEquals(old, current(a, b.address()).orElseThrow()); // stale key while rekeying
        time.advance(LATENCY.multipliedBy(3)); // messages 1, 2 and 3
        SessionKey fresh = current(a, b.address()).orElseThrow();
        assertNotEquals(oldId, fresh.id());
        // A confirmed it holds the new key (message 3): B offers it too.
        assertEquals(fresh, current(b, a.address()).orElseThrow(), "B offers the confirmed new key");
        time.advance(Duration.ofMinutes(1)); // past the grace period, but neither side has seen the other use the new key
        assertTrue(byId(a, b.address(), oldId).isPresent());
        assertTrue(byId(b, a.address(), oldId).isPresent());
        assertEquals(fresh, byId(b, a.address(), fresh.id()).orElseThrow()); // A offers it to B
        assertEquals(fresh, byId(a, b.address(), fresh.id()).orElseThrow()); // B offers it to A
        assertTrue(byId(b, a.address(), oldId).isPresent(), "the old one for the grace period");

        time.advance(Duration.ofSeconds(31));
        assertTrue(byId(b, a.address(), oldId).isEmpty());
        assertTrue(byId(a, b.address(), oldId).isEmpty());
        assertTrue(byId(a, b.address(), fresh.id()).isPresent());
    }

    @Test
    void withTrafficOneWayAPeerThatNeverOffersAnythingStillGetsKeysAccepted() throws Exception {
        Agent a = agent("198.18.2.221");
        Agent b = agent("198.18.2.222");
        SessionKey k1 = current(a, b.address()).orElseThrow();
        SessionKey k3 = k1;
        for (int round = 0; round < 2; round++) { // A rekeys twice; B is never seen offering a key
            time.advance(Duration.ofMinutes(3));
            SessionKey before = current(a, b.address()).orElseThrow();
            time.advance(LATENCY.multipliedBy(3));
            k3 = current(a, b.address()).orElseThrow();
            assertNotEquals(before.id(), k3.id());
        }
        time.advance(Duration.ofMinutes(1)); // past every grace period
        // A never offered a key to B, but confirmed each new one (message 3): B offers the newest,
        // and A accepts it; A still accepts the first one too (B has not been seen using another).
        assertEquals(k3, current(b, a.address()).orElseThrow());
        assertEquals(k1, byId(a, b.address(), k1.id()).orElseThrow());
        assertEquals(k3, byId(a, b.address(), k3.id()).orElseThrow()); // B offers it: A confirms
        time.advance(Duration.ofSeconds(31));
        assertTrue(byId(a, b.address(), k1.id()).isEmpty(), "replaced keys: grace period only after the peer used the new one");
    }

    @Test
    void aLostMessageTwoLeavesBothSidesOnTheOldKeyNotOnTwoDifferentOnes() throws Exception {
        Agent a = agent("198.18.2.211");
        Agent b = agent("198.18.2.212");
        SessionKey old = current(a, b.address()).orElseThrow();
        time.advance(LATENCY);
        assertEquals(old, byId(b, a.address(), old.id()).orElseThrow());
        relay.lose(m -> m[0] == HandshakeMessage.MESSAGE_2); // the key server fails after delivering message 1
        time.advance(Duration.ofMinutes(3));
        assertEquals(old, current(a, b.address()).orElseThrow()); // stale: a rekey starts, its message 2 is lost
        time.advance(TIMEOUT.dividedBy(2)); // B answers (installs the new key) meanwhile
        time.advance(Duration.ofMinutes(5)); // long past every grace period
        assertEquals(old, current(b, a.address()).orElseThrow(), "B keeps offering the key A holds");
        assertEquals(old, byId(b, a.address(), old.id()).orElseThrow(), "and keeps accepting it");
        assertEquals(old, byId(a, b.address(), old.id()).orElseThrow());

        relay.lose(m -> false); // back: the next rekey succeeds and both move on together
        time.advance(TIMEOUT); // B's own rekey attempt (started by its current() above) settles
        time.advance(Duration.ofMinutes(3));
        current(a, b.address()); // stale: starts the rekey
        time.advance(TIMEOUT);
        SessionKey fresh = current(a, b.address()).orElseThrow();
        assertNotEquals(old.id(), fresh.id());
        assertEquals(fresh, byId(b, a.address(), fresh.id()).orElseThrow());
    }

    @Test
    void currentAsyncNeverBlocksTheCallerAndCompletesWithTheHandshake() throws Exception {
        Agent a = agent("198.18.3.1");
        Agent b = agent("198.18.3.2");
        var f = a.source().currentAsync(b.address());
        assertFalse(f.isDone(), "no key yet: the caller gets a future, not a wait");
        SessionKey k = await(f).orElseThrow();
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
        time.advance(TIMEOUT);
        var kb = a.source().currentAsync(b.address());
        assertTrue(kb.isDone() && kb.get().isPresent(), "ready without waiting");
        assertEquals(kb.get().get(), byId(b, a.address(), kb.get().get().id()).orElseThrow());
        var kc = a.source().currentAsync(c.address());
        assertTrue(kc.isDone() && kc.get().isPresent(), "ready without waiting");
    }

    @Test
    void unknownPeerCompletesEmptyAndTheFutureNeverFails() throws Exception {
        Agent a = agent("198.18.3.11");
        var f = a.source().currentAsync(InetAddress.getByName("198.18.3.99"));
        time.runDue(); // the directory answers "no such host" at once
        assertTrue(f.isDone() && f.get().isEmpty());
    }

    @Test
    void aPeerTheDirectoryNoLongerKnowsLosesItsSessionsAtRevalidation() throws Exception {
        Agent a = agent("198.18.3.21");
        Agent b = agent("198.18.3.22");
        SessionKey k = current(a, b.address()).orElseThrow();
        assertEquals(k, byId(b, a.address(), k.id()).orElseThrow());

        directoryDown = true; // key server unreachable: revalidation changes nothing
        b.source().revalidate();
        time.runDue();
        assertEquals(k, byId(b, a.address(), k.id()).orElseThrow());
        assertEquals(0, b.source().revokedPeers());

        directoryDown = false;
        directory.remove(a.address()); // the key server revoked A: lookups answer "no key"
        b.source().revalidate();
        time.runDue();
        assertTrue(byId(b, a.address(), k.id()).isEmpty(), "A's offer is refused now");
        assertEquals(1, b.source().revokedPeers());
    }

    @Test
    void revalidationRunsEveryPeriodWithoutBeingAsked() throws Exception {
        Agent a = agent("198.18.3.81");
        Agent b = agent("198.18.3.82");
        SessionKey k = current(a, b.address()).orElseThrow();
        assertEquals(k, byId(b, a.address(), k.id()).orElseThrow()); // B learns who owns A's address
        directory.remove(a.address());
        time.advance(NoiseKeySource.DEFAULT_REVALIDATE.minus(Duration.between(epoch, time.now())).minusMillis(1));
        assertEquals(k, byId(b, a.address(), k.id()).orElseThrow(), "not yet: the pass is due at the period");
        time.advance(Duration.ofMillis(1));
        assertTrue(byId(b, a.address(), k.id()).isEmpty(), "revoked at the period");
        assertEquals(1, b.source().revokedPeers());
    }

    @Test
    void aSessionKeyIsAcceptedOnlyFromAnAddressOfTheHostItWasMadeWith() throws Exception {
        Agent a = agent("198.18.3.51");
        Agent b = agent("198.18.3.52");
        Agent c = agent("198.18.3.53");
        SessionKey ab = current(a, b.address()).orElseThrow();
        // An OFFER naming A's key id, sent from C's address or from an address no host owns:
        // the key id travels in clear, holding A's session must not let another address in.
        assertTrue(byId(b, c.address(), ab.id()).isEmpty());
        assertTrue(byId(b, InetAddress.getByName("198.18.3.99"), ab.id()).isEmpty());
        assertEquals(0, b.source().revokedPeers(), "a spoofed offer does not make A look revoked");
        b.source().revalidate();
        time.runDue();
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow(), "A itself is still served");
    }

    @Test
    void withTheKeyServerDownKnownPeersKeepWorkingPastTheCacheLifetime() throws Exception {
        Agent a = agent("198.18.3.61", NO_REVALIDATION);
        Agent b = agent("198.18.3.62", NO_REVALIDATION);
        SessionKey ab = current(a, b.address()).orElseThrow();
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow());
        directoryDown = true;
        time.advance(Duration.ofMinutes(6)); // the directory answers (5 min TTL) have expired
        assertEquals(ab, current(a, b.address()).orElseThrow(), "initiator: last known key of B");
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow(), "responder: last known owner of A's address");
    }

    /**
     * A key server that does not answer at all: the lookups queued for it never run here (time is
     * not advanced), and still both sides answer at once from the last directory answers.
     */
    @Test
    void aKeyServerThatDoesNotAnswerDoesNotStallKnownPeers() throws Exception {
        Agent a = agent("198.18.3.71", NO_REVALIDATION);
        Agent b = agent("198.18.3.72", NO_REVALIDATION);
        SessionKey ab = current(a, b.address()).orElseThrow();
        assertEquals(ab, byId(b, a.address(), ab.id()).orElseThrow());
        time.advance(Duration.ofMinutes(6)); // every directory answer is past its 5 min TTL (keys are stale: rekeying starts)
        int asked = lookups.get();
        var k = a.source().currentAsync(b.address());
        var atB = b.source().byIdAsync(a.address(), ab.id());
        assertTrue(k.isDone() && atB.isDone(), "answered from the last known directory answers, no wait");
        assertEquals(ab, k.get().orElseThrow());
        assertEquals(ab, atB.get().orElseThrow());
        assertEquals(asked, lookups.get(), "no lookup ran before the answers");
        time.runDue();
        assertEquals(asked + 2, lookups.get(), "both old answers are asked again in the background");
    }

    @Test
    void aKeyIsRenewedAfterItsByteBudget() throws Exception {
        NoiseKeySource.Settings bytes = new NoiseKeySource.Settings(NoiseProtocol.KK_25519_CHACHAPOLY_SHA256,
                TIMEOUT, Duration.ofMinutes(2), 1000, Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofMinutes(5));
        Agent a = agent("198.18.3.31", bytes);
        Agent b = agent("198.18.3.32", bytes);
        SessionKey old = current(a, b.address()).orElseThrow();
        old.countSealed(999);
        assertEquals(old, current(a, b.address()).orElseThrow(), "within budget");
        old.countSealed(1);
        assertEquals(old, current(a, b.address()).orElseThrow(), "spent: still used while the rekey runs");
        time.advance(LATENCY.multipliedBy(2));
        assertNotEquals(old.id(), current(a, b.address()).orElseThrow().id(), "a new key after the byte budget");
    }

    /** {@code from}'s key for {@code peer}, virtual time running until it is decided. */
    private Optional<SessionKey> current(Agent from, InetAddress peer) {
        return await(from.source().currentAsync(peer));
    }

    /** The responder's answer for an OFFER from {@code peer}: it may first ask the directory who owns the address. */
    private Optional<SessionKey> byId(Agent responder, InetAddress peer, int keyId) {
        return await(responder.source().byIdAsync(peer, keyId));
    }

    /** Runs virtual time until {@code f} completes; the key source bounds every wait by the handshake timeout. */
    private <T> T await(CompletableFuture<T> f) {
        assertTrue(time.runUntil(f::isDone, TIMEOUT), "completes within the handshake timeout");
        return f.join();
    }

    private void assertEmptyAfterExactlyTheTimeout(CompletableFuture<Optional<SessionKey>> f) {
        Instant t0 = time.now();
        assertTrue(await(f).isEmpty(), "expected no key");
        assertEquals(TIMEOUT, Duration.between(t0, time.now()), "refused when the bound is reached, not later");
    }
}
