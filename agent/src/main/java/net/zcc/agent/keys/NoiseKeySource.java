package net.zcc.agent.keys;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.zcc.agent.noise.HandshakeState;
import net.zcc.agent.noise.KeyPairSource;
import net.zcc.agent.noise.NoiseException;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;
import net.zcc.agent.noise.NoiseTransport;

/**
 * Pairwise session keys from Noise KK handshakes carried by the key server's relay
 * (PROTOCOL.md 4).
 *
 * <p>Flow of {@link #current}: 1. address to static key (TTL cache, bounded wait);
 * 2. a fresh cached key is returned at once; 3. a stale one is returned too, and a rekey
 * starts in the background; 4. with no key, start or join a handshake and wait at most
 * {@link Settings#handshakeTimeout}; 5. on timeout return empty, so the data plane refuses
 * under {@code require} instead of hanging.
 *
 * <p>The responder side is driven by relay messages ({@link #onMessage}). When both sides start
 * at once, the side with the lower static public key stays initiator and ignores the other's
 * message 1; the higher side abandons its own attempt and answers, so both end with one key.
 * A message 1 from the higher side that arrives just after our own attempt completed is the
 * one it abandoned when it answered ours: it is ignored for one handshake timeout, or the two
 * sides would end with different keys when the relay reorders.
 * Rekeying is by time only for now (no byte counter). A replaced key stays valid for
 * {@code byId} during {@link Settings#grace}, so connections opened just before a rekey still
 * find it. If the relay is down, the current key stays in use indefinitely: existing sessions
 * keep working.
 *
 * <p>Thread-safe; one lock guards all peers, as each step under it is one or two X25519 operations.
 */
public final class NoiseKeySource implements KeySource, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NoiseKeySource.class.getName());
    /** Binds both sides to ZCC's use of KK; a different prologue fails message 1. */
    private static final byte[] PROLOGUE = "zcc v1 kk relay".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Timers and choices of a key source.
     *
     * @param protocol the Noise protocol; every agent must use the same one
     * @param handshakeTimeout longest wait in {@code current()} for a first key, and the life of
     *     an unanswered handshake attempt
     * @param rekeyAfter age after which a key is replaced (in the background)
     * @param grace how long a replaced key stays valid for {@code byId}
     * @param peerKeyTtl how long a directory answer is cached
     */
    public record Settings(NoiseProtocol protocol, Duration handshakeTimeout, Duration rekeyAfter,
            Duration grace, Duration peerKeyTtl) {
        /** ChaChaPoly, 1 s wait, rekey every 2 min, 30 s grace, 5 min peer key TTL. */
        public static Settings defaults() {
            return new Settings(NoiseProtocol.KK_25519_CHACHAPOLY_SHA256, Duration.ofSeconds(1),
                    Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofMinutes(5));
        }
    }

    private record Outgoing(PeerKey to, byte[] message) { }

    private final NoiseKeyPair localStatic;
    private final PeerKey self;
    private final RelayTransport relay;
    private final Settings settings;
    private final Clock clock;
    private final KeyPairSource ephemerals;
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService lookups;
    private final PeerKeyCache peerKeys;
    private final Map<PeerKey, PeerSession> sessions = new HashMap<>();

    /**
     * A key source for the host owning {@code localStatic} (not copied; the caller keeps it
     * alive). Call {@link #start()} before use.
     */
    public NoiseKeySource(NoiseKeyPair localStatic, PeerDirectory directory, RelayTransport relay,
            Settings settings, Clock clock, KeyPairSource ephemerals) {
        this.localStatic = Objects.requireNonNull(localStatic);
        this.self = PeerKey.of(localStatic.publicKey());
        this.relay = Objects.requireNonNull(relay);
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
        this.ephemerals = Objects.requireNonNull(ephemerals);
        this.lookups = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "zcc-peer-lookup");
            t.setDaemon(true);
            return t;
        });
        this.peerKeys = new PeerKeyCache(Objects.requireNonNull(directory), settings.peerKeyTtl(), clock, lookups);
    }

    /**
     * Starts receiving relay messages (the responder side).
     *
     * @throws IOException if the relay cannot be reached
     */
    public void start() throws IOException {
        relay.start(this::onMessage);
    }

    /** This host's identity on the relay. */
    public PeerKey self() {
        return self;
    }

    /** {@inheritDoc} Waits at most {@link Settings#handshakeTimeout} for a first key. */
    @Override
    public Optional<SessionKey> current(InetAddress peer) {
        long deadline = System.nanoTime() + settings.handshakeTimeout().toNanos();
        Optional<PeerKey> pk = peerKeys.lookup(peer, deadline);
        if (pk.isEmpty()) {
            return Optional.empty();
        }
        Outgoing out = null;
        CompletableFuture<SessionKey> next;
        synchronized (this) {
            PeerSession s = sessions.computeIfAbsent(pk.get(), k -> new PeerSession());
            Instant now = clock.instant();
            boolean fresh = s.current != null && now.isBefore(s.currentBorn.plus(settings.rekeyAfter()));
            if (fresh) {
                return Optional.of(s.current);
            }
            out = startInitiatorIfIdle(pk.get(), s);
            if (s.current != null) { // stale: keep using it while the rekey runs
                SessionKey stale = s.current;
                sendOutsideLock(out);
                return Optional.of(stale);
            }
            next = s.waitForNext();
        }
        sendOutsideLock(out);
        return await(next, deadline);
    }

    /** {@inheritDoc} Never waits for a handshake; the directory lookup is bounded as in current. */
    @Override
    public Optional<SessionKey> byId(InetAddress peer, int keyId) {
        long deadline = System.nanoTime() + settings.handshakeTimeout().toNanos();
        Optional<PeerKey> pk = peerKeys.lookup(peer, deadline);
        if (pk.isEmpty()) {
            return Optional.empty();
        }
        synchronized (this) {
            PeerSession s = sessions.get(pk.get());
            return s == null ? Optional.empty() : s.byId(keyId, clock.instant());
        }
    }

    /** Stops the relay and wipes every key this source holds. */
    @Override
    public void close() {
        relay.close();
        lookups.shutdownNow();
        synchronized (this) {
            for (PeerSession s : sessions.values()) {
                s.abandonPending();
                if (s.current != null) {
                    s.current.wipe();
                }
            }
            sessions.clear();
        }
    }

    /** Starts a handshake unless one younger than the timeout is running; caller holds the lock. */
    private Outgoing startInitiatorIfIdle(PeerKey peer, PeerSession s) {
        long nowNanos = System.nanoTime();

        if (s.pending != null && nowNanos - s.pending.startedNanos() < settings.handshakeTimeout().toNanos()) {
            return null; // join it
        }
        s.abandonPending(); // unanswered: the relay lost a message or the peer is away
        HandshakeState hs = HandshakeState.initiator(settings.protocol(), PROLOGUE, localStatic, peer.bytes(), ephemerals);
        long id = random.nextLong();
        try {
            byte[] m1 = hs.writeMessage(new byte[0]);
            s.pending = new PeerSession.Pending(hs, id, true, nowNanos);
            return new Outgoing(peer, new HandshakeMessage(HandshakeMessage.MESSAGE_1, id, m1).encode());
        } catch (NoiseException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot start a handshake with " + peer + ": " + e.getMessage());
            return null;
        }
    }

    /** Handles one relay message; drops anything malformed, unexpected or unauthentic. */
    void onMessage(PeerKey from, byte[] bytes) {
        HandshakeMessage m = HandshakeMessage.decode(bytes);
        if (m == null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a malformed relay message from " + from);
            return;
        }
        Outgoing out;
        synchronized (this) {
            PeerSession s = sessions.computeIfAbsent(from, k -> new PeerSession());
            out = m.type() == HandshakeMessage.MESSAGE_1 ? answer(from, s, m) : finish(from, s, m);
        }
        sendOutsideLock(out);
    }

    /** Responder: reads message 1 and writes message 2, unless we win a simultaneous start. */
    private Outgoing answer(PeerKey from, PeerSession s, HandshakeMessage m) {
        if (s.pending != null && s.pending.initiator() && self.compareTo(from) < 0) {
            LOG.log(System.Logger.Level.DEBUG, () -> "simultaneous handshake with " + from + ": staying initiator");
            return null;
        }
        if (self.compareTo(from) < 0 && s.initiatedNanos != 0
                && System.nanoTime() - s.initiatedNanos < settings.handshakeTimeout().toNanos()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "late message 1 of an abandoned attempt by " + from + ": ignored");
            return null;
        }
        s.abandonPending(); // the peer with the lower key wins; we answer instead
        HandshakeState hs = HandshakeState.responder(settings.protocol(), PROLOGUE, localStatic, from.bytes(), ephemerals);
        try {
            hs.readMessage(m.noise());
            byte[] m2 = hs.writeMessage(new byte[0]);
            install(from, s, hs.transport());
            return new Outgoing(from, new HandshakeMessage(HandshakeMessage.MESSAGE_2, m.handshakeId(), m2).encode());
        } catch (NoiseException e) {
            LOG.log(System.Logger.Level.INFO, "rejected handshake message 1 from " + from + ": " + e.getMessage());
            return null;
        }
    }

    /** Initiator: reads message 2 of the attempt in progress. */
    private Outgoing finish(PeerKey from, PeerSession s, HandshakeMessage m) {
        PeerSession.Pending p = s.pending;
        if (p == null || !p.initiator() || p.id() != m.handshakeId()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a message 2 from " + from + " for no attempt in progress");
            return null;
        }
        try {
            p.state().readMessage(m.noise());
            install(from, s, p.state().transport());
            s.initiatedNanos = System.nanoTime();
        } catch (NoiseException e) {
            s.pending = null; // the failed state has wiped itself
            LOG.log(System.Logger.Level.INFO, "rejected handshake message 2 from " + from + ": " + e.getMessage());
        }
        return null;
    }

    private void install(PeerKey peer, PeerSession s, NoiseTransport t) {
        byte[] k = t.sessionKey();
        t.wipe(); // ZCC uses only the exported key, never the Noise transport itself
        SessionKey key = new SessionKey(KeyLine.keyId(k), k);
        Instant now = clock.instant();
        s.install(key, now, now.plus(settings.grace()));
        LOG.log(System.Logger.Level.DEBUG, () -> "new session key " + key + " with " + peer);
    }

    private void sendOutsideLock(Outgoing out) {
        if (out == null) {
            return;
        }
        try {
            relay.send(out.to(), out.message());
        } catch (IOException e) { // the attempt times out and is retried on a later current()
            LOG.log(System.Logger.Level.DEBUG, () -> "relay send to " + out.to() + " failed: " + e.getMessage());
        }
    }

    private static Optional<SessionKey> await(CompletableFuture<SessionKey> next, long deadline) {
        try {
            return Optional.of(next.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) { // timeout: refuse under require, never hang
            return Optional.empty();
        }
    }

    /** Counts peers; never keys. */
    @Override
    public synchronized String toString() {
        return "NoiseKeySource[" + self + ", " + settings.protocol().protocolName() + ", " + sessions.size() + " peers]";
    }
}
