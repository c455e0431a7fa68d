package net.zcc.agent.keys;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import net.zcc.agent.noise.HandshakeState;
import net.zcc.agent.noise.KeyPairSource;
import net.zcc.agent.noise.NoiseException;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;
import net.zcc.agent.noise.NoiseTransport;

/**
 * The Noise KK handshake state machine of one host, for all its peers (PROTOCOL.md 4). It does
 * no I/O: each step takes a relay message or a request to start, changes the peer's
 * {@link PeerSession}, and returns the relay message to send, if any. The caller holds the
 * {@link Peers} lock and sends outside it.
 *
 * <p>Flow, initiator on the left:
 * <pre>
 *  startIfIdle --message 1--&gt;  answer: install K (not offered yet), remember the answer
 *  finish      &lt;--message 2--   (K offered at once: the peer wrote message 2, so it holds K)
 *  finish      --message 3--&gt;  confirm: offer K
 * </pre>
 *
 * <p>Simultaneous start: both sides sent message 1. The one with the lower static public key
 * stays initiator and ignores the other's message 1, unless its own attempt is older than the
 * handshake timeout (then its message 2 was lost and waiting would deadlock); the other abandons
 * its attempt and answers, so both end with one key.
 */
final class Handshakes {

    private static final System.Logger LOG = System.getLogger(Handshakes.class.getName());
    /** Binds both sides to ZCC's use of KK; a different prologue fails message 1. */
    private static final byte[] PROLOGUE = "zcc v1 kk relay".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    /** A relay message to send once the lock is released. */
    record Outgoing(PeerKey to, byte[] message) { }

    private final NoiseKeyPair localStatic;
    private final PeerKey self;
    private final NoiseProtocol protocol;
    private final Duration timeout;
    private final Rekeying rekeying;
    private final Scheduler clock;
    private final KeyPairSource ephemerals;
    private final Random random;

    Handshakes(NoiseKeyPair localStatic, NoiseProtocol protocol, Duration timeout, Rekeying rekeying,
            Scheduler clock, KeyPairSource ephemerals, Random random) {
        this.localStatic = localStatic;
        this.self = PeerKey.of(localStatic.publicKey());
        this.protocol = protocol;
        this.timeout = timeout;
        this.rekeying = rekeying;
        this.clock = clock;
        this.ephemerals = ephemerals;
        this.random = random;
    }

    /**
     * Starts a handshake with {@code peer} as initiator, unless one younger than the timeout is
     * running (the caller then waits for that one).
     *
     * @return message 1, or null when joining a running attempt or when Noise fails
     */
    Outgoing startIfIdle(PeerKey peer, PeerSession s) {
        Instant now = clock.now();
        if (s.pending != null && s.pending.isAlive(now, timeout)) {
            return null;
        }
        s.abandonPending(); // unanswered: the relay lost a message or the peer is away
        HandshakeState hs = HandshakeState.initiator(protocol, PROLOGUE, localStatic, peer.bytes(), ephemerals);
        long id = random.nextLong();
        try {
            byte[] m1 = hs.writeMessage(EMPTY);
            s.pending = new PeerSession.Pending(hs, id, true, now);
            return new Outgoing(peer, new HandshakeMessage(HandshakeMessage.MESSAGE_1, id, m1).encode());
        } catch (NoiseException e) {
            s.lastError = "cannot start a handshake: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "cannot start a handshake with " + peer + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * One relay message from {@code from}; anything unexpected or unauthentic is dropped.
     *
     * @return the answer to send, or null
     */
    Outgoing onMessage(PeerKey from, PeerSession s, HandshakeMessage m) {
        return switch (m.type()) {
            case HandshakeMessage.MESSAGE_1 -> answer(from, s, m);
            case HandshakeMessage.MESSAGE_2 -> finish(from, s, m);
            default -> {
                confirm(from, s, m);
                yield null;
            }
        };
    }

    /** Responder: reads message 1 and writes message 2, unless we win a simultaneous start. */
    private Outgoing answer(PeerKey from, PeerSession s, HandshakeMessage m) {
        Instant now = clock.now();
        if (winsSimultaneousStart(from, s, now)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "simultaneous handshake with " + from + ": staying initiator");
            return null;
        }
        // A late message 1 of an attempt the peer abandoned (it answered ours instead) is answered
        // too: the peer drops our message 2, never confirms, so we never offer that key.
        s.abandonPending();
        HandshakeState hs = HandshakeState.responder(protocol, PROLOGUE, localStatic, from.bytes(), ephemerals);
        try {
            hs.readMessage(m.noise());
            byte[] m2 = hs.writeMessage(EMPTY);
            SessionKey key = install(from, s, hs.transport(), false, now);
            s.answered(key, m.handshakeId(), now); // offered once the initiator confirms it or uses it
            return new Outgoing(from, new HandshakeMessage(HandshakeMessage.MESSAGE_2, m.handshakeId(), m2).encode());
        } catch (NoiseException e) {
            s.lastError = "message 1 rejected: " + e.getMessage();
            LOG.log(System.Logger.Level.INFO, "rejected handshake message 1 from " + from + ": " + e.getMessage());
            return null;
        }
    }

    /** We are initiator too, with the lower key, and our attempt may still be answered. */
    private boolean winsSimultaneousStart(PeerKey from, PeerSession s, Instant now) {
        return s.pending != null && s.pending.initiator() && self.compareTo(from) < 0
                && s.pending.isAlive(now, timeout);
    }

    /** Initiator: reads message 2 of the attempt in progress and confirms with message 3. */
    private Outgoing finish(PeerKey from, PeerSession s, HandshakeMessage m) {
        PeerSession.Pending p = s.pending;
        if (p == null || !p.initiator() || p.id() != m.handshakeId()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a message 2 from " + from + " for no attempt in progress");
            return null;
        }
        try {
            p.state().readMessage(m.noise());
            SessionKey key = install(from, s, p.state().transport(), true, clock.now()); // the peer wrote message 2
            return new Outgoing(from, new HandshakeMessage(HandshakeMessage.CONFIRM, m.handshakeId(),
                    HandshakeMessage.confirmationTag(key.key(), m.handshakeId())).encode());
        } catch (NoiseException e) {
            s.pending = null; // the failed state has wiped itself
            s.lastError = "message 2 rejected: " + e.getMessage();
            LOG.log(System.Logger.Level.INFO, "rejected handshake message 2 from " + from + ": " + e.getMessage());
            return null;
        }
    }

    /** Responder: the initiator holds the key of our last answer (message 3). */
    private void confirm(PeerKey from, PeerSession s, HandshakeMessage m) {
        if (!s.confirm(m.handshakeId(), m.noise())) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a confirmation from " + from + " for no answer of ours");
        }
    }

    private SessionKey install(PeerKey peer, PeerSession s, NoiseTransport t, boolean peerHoldsIt, Instant now) {
        byte[] k = t.sessionKey();
        t.wipe(); // ZCC uses only the exported key, never the Noise transport itself
        SessionKey key = new SessionKey(KeyLine.keyId(k), k);
        s.install(key, peerHoldsIt, now, rekeying.graceUntil(now));
        LOG.log(System.Logger.Level.DEBUG, () -> "new session key " + key + " with " + peer);
        return key;
    }
}
