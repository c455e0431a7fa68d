package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;
import net.zcc.agent.noise.SecureRandomKeyPairSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay as it fails in the field: a host that is not polling yet (its messages wait), lost
 * messages, a peer that restarts, messages that overtake each other. After each, every key one
 * side offers must be one the other accepts: the two agents never end up on keys the other does
 * not hold. On virtual time; {@link KeyAgreementPropertyTest} runs the same over random delays
 * and losses.
 */
class KeyAgreementScenariosTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final NoiseKeySource.Settings SETTINGS = new NoiseKeySource.Settings(
            NoiseProtocol.KK_25519_CHACHAPOLY_SHA256, TIMEOUT, Duration.ofMinutes(2), Duration.ofSeconds(30),
            Duration.ofMinutes(5));

    private final VirtualScheduler time = new VirtualScheduler();
    private final InMemoryRelay relay = new InMemoryRelay(time);
    private final Map<InetAddress, PeerKey> directory = new ConcurrentHashMap<>();
    private final List<NoiseKeySource> sources = new ArrayList<>();

    @AfterEach
    void close() {
        sources.forEach(NoiseKeySource::close);
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
                relay.endpoint(h.id()), SETTINGS, time, new SecureRandomKeyPairSource(RANDOM));
        s.start();
        sources.add(s);
        return s;
    }

    /** What {@code from} offers is accepted by {@code to}, both ways. */
    private void assertMutuallyAccepted(NoiseKeySource a, Host ha, NoiseKeySource b, Host hb) {
        assertTrue(offerAccepted(a, hb, b, ha), "B accepts what A offers");
        assertTrue(offerAccepted(b, ha, a, hb), "A accepts what B offers");
    }

    private boolean offerAccepted(NoiseKeySource from, Host to, NoiseKeySource at, Host fromHost) {
        Optional<SessionKey> k = await(from.currentAsync(to.address()));
        return k.isPresent() && await(at.byIdAsync(fromHost.address(), k.get().id())).isPresent();
    }

    /** Runs virtual time until {@code f} completes; every wait of a key source is bounded by its timeout. */
    private <T> T await(CompletableFuture<T> f) {
        assertTrue(time.runUntil(f::isDone, TIMEOUT), "completes within the handshake timeout");
        return f.join();
    }

    @Test
    void aStaggeredStartWithTheFirstHostsMessageWaitingLeavesNoKeyOnlyOneSideHolds() throws Exception {
        Host[] h = pair("198.18.60.1", "198.18.60.2");
        NoiseKeySource a = start(h[0]);
        relay.pause(h[1].id()); // B is not polling yet: A's message 1 waits for it
        a.prepare(List.of(h[1].address()));
        time.advance(TIMEOUT.plusMillis(100)); // A's attempt is older than the timeout when B starts
        NoiseKeySource b = start(h[1]); // still paused: it sends before its first poll
        b.prepare(List.of(h[0].address())); // B's message 1 reaches A, A answers; B's mail still waits
        time.advance(Duration.ofMillis(50));
        relay.resume(h[1].id()); // B's first poll: A's old message 1, then A's message 2
        time.advance(Duration.ofMillis(100));
        assertMutuallyAccepted(a, h[0], b, h[1]);
    }

    @Test
    void aLostMessageTwoAtFirstContactLeavesTheResponderOfferingNothingItCannotBackUp() throws Exception {
        Host[] h = pair("198.18.60.11", "198.18.60.12");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        relay.lose(m -> m[0] == HandshakeMessage.MESSAGE_2);
        a.prepare(List.of(h[1].address())); // B answers and holds a key A never gets
        time.advance(TIMEOUT.plusMillis(50));
        relay.lose(m -> false);
        assertTrue(offerAccepted(b, h[0], a, h[1]), "B's first connection to A: a key A holds");
        assertMutuallyAccepted(a, h[0], b, h[1]);
    }

    @Test
    void aLostConfirmationOnlyCostsTheResponderAHandshakeOfItsOwn() throws Exception {
        Host[] h = pair("198.18.60.21", "198.18.60.22");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        relay.lose(m -> m[0] == HandshakeMessage.CONFIRM);
        assertTrue(await(a.currentAsync(h[1].address())).isPresent());
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
        time.advance(Duration.ofMillis(100));
        assertMutuallyAccepted(a, h[0], b2, h[1]);
    }

    /**
     * Found by {@link KeyAgreementPropertyTest}: B restarts and never connects to A (a server).
     * A cannot know, and offers the key B lost; B refuses that connection, and the refusal makes
     * B run a handshake, so A's next connection offers a key B holds (before, A kept offering the
     * lost key until its own rekey, up to 2 minutes later).
     */
    @Test
    void aPeerThatRestartsAndStaysSilentIsResynchronizedByTheFirstRefusedOffer() throws Exception {
        Host[] h = pair("198.18.60.61", "198.18.60.62");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        assertMutuallyAccepted(a, h[0], b, h[1]);
        b.close();
        sources.remove(b);
        NoiseKeySource b2 = start(h[1]); // prepares nothing: A is only a client of B's
        assertFalse(offerAccepted(a, h[1], b2, h[0]), "A offers the key B lost: refused");
        time.advance(TIMEOUT);
        assertTrue(offerAccepted(a, h[1], b2, h[0]), "the next connection offers a key B holds");
    }

    /** Relay messages overtake each other (each takes its own time): still one key both hold. */
    @Test
    void reorderedRelayMessagesLeaveNoKeyOnlyOneSideHolds() throws Exception {
        Host[] h = pair("198.18.60.41", "198.18.60.42");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        relay.latency(Duration.ofMillis(40));
        b.prepare(List.of(h[0].address())); // B's message 1 is slow ...
        time.advance(Duration.ofMillis(10));
        relay.latency(Duration.ofMillis(1));
        a.prepare(List.of(h[1].address())); // ... A's overtakes it, both started
        time.advance(Duration.ofMillis(100));
        assertMutuallyAccepted(a, h[0], b, h[1]);
    }

    /**
     * Found by {@link KeyAgreementPropertyTest}: B starts a handshake, A answers, B's confirmation
     * is slow. A's connection waits its confirmation window, then runs a handshake of its own and
     * offers that newer key; B sees it offered and starts the grace period of the older one. The
     * old confirmation arriving then must not make A go back to offering the older key, which B
     * refuses once its grace period is over.
     */
    @Test
    void aLateConfirmationOfAnOlderHandshakeDoesNotTakeBackANewerOffer() throws Exception {
        Host[] h = pair("198.18.60.51", "198.18.60.52");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        java.util.concurrent.atomic.AtomicBoolean firstConfirmation = new java.util.concurrent.atomic.AtomicBoolean(true);
        relay.conditions(m -> m[0] == HandshakeMessage.CONFIRM && firstConfirmation.getAndSet(false)
                ? Duration.ofMillis(300) : Duration.ofMillis(1));
        b.prepare(List.of(h[0].address())); // B initiates, A answers; B's confirmation takes 300 ms
        time.advance(Duration.ofMillis(5));
        SessionKey newer = await(a.currentAsync(h[1].address())).orElseThrow(); // A's own handshake, after its window
        assertTrue(await(b.byIdAsync(h[0].address(), newer.id())).isPresent(), "B takes A's newer key");
        time.advance(Duration.ofMillis(300)); // the old confirmation lands
        time.advance(SETTINGS.grace().plusSeconds(1)); // B's grace for the older key is over
        assertMutuallyAccepted(a, h[0], b, h[1]);
    }

    /**
     * The relay loses every message 2 while A rekeys: each of A's attempts leaves B with one more
     * replaced key. A keeps offering the key it holds, and B sees it offered (after answering the
     * attempt of the same connection); B must not drop that key to keep at most eight.
     */
    @Test
    void aKeyThePeerIsSeenOfferingSurvivesARunOfUnansweredRekeys() throws Exception {
        Host[] h = pair("198.18.60.71", "198.18.60.72");
        NoiseKeySource a = start(h[0]);
        NoiseKeySource b = start(h[1]);
        assertMutuallyAccepted(a, h[0], b, h[1]);
        time.advance(Duration.ofMinutes(3));
        relay.lose(m -> m[0] == HandshakeMessage.CONFIRM);
        await(a.currentAsync(h[1].address())); // stale: A rekeys, gets message 2; B never hears it confirmed
        time.advance(TIMEOUT);
        SessionKey used = await(a.currentAsync(h[1].address())).orElseThrow();
        time.advance(Duration.ofMinutes(3));
        relay.lose(m -> m[0] == HandshakeMessage.MESSAGE_2); // from now on A hears no answer
        for (int i = 0; i < PeerSession.MAX_AWAITING + 2; i++) {
            assertEquals(used, await(a.currentAsync(h[1].address())).orElseThrow()); // stale: a rekey starts
            time.advance(Duration.ofMillis(10)); // B answers it before this connection's SYN arrives
            assertTrue(await(b.byIdAsync(h[0].address(), used.id())).isPresent(), "round " + i);
            time.advance(TIMEOUT);
        }
        time.advance(SETTINGS.grace().plusSeconds(1));
        assertTrue(await(b.byIdAsync(h[0].address(), used.id())).isPresent(), "the key A goes on offering");
    }
}
