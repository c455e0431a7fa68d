package net.zcc.agent.keys;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import net.zcc.agent.noise.KeyPairSource;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.agent.noise.NoiseProtocol;

/**
 * Pairwise session keys from Noise KK handshakes carried by the key server's relay
 * (PROTOCOL.md 4): the {@link KeySource} the data plane asks, built from one part per job.
 * <ul>
 *   <li>{@link PeerKeyCache}: address to static key, the directory's answers cached;</li>
 *   <li>{@link Handshakes}: the KK state machine, its tie-break and key confirmation;</li>
 *   <li>{@link Rekeying}: when a key is renewed, how long a replaced one lives on;</li>
 *   <li>{@link Revalidator}: revocation, by asking the directory again every period;</li>
 *   <li>{@link Peers}: what is known per peer, under the one lock;</li>
 *   <li>{@link Scheduler}: the one clock, the timers and the threads of all of them.</li>
 * </ul>
 *
 * <p>Flow of {@link #currentAsync}: 1. address to static key (the last directory answer at
 * once; a miss asks the directory on the lookup lane); 2. a fresh key the peer is known to hold
 * answers at once; 3. so does a stale one, and a rekey starts in the background; 4. with none,
 * wait briefly for a confirmation still due, else start or join a handshake; the future
 * completes when it installs a key the peer holds, or 5. with empty after
 * {@link Settings#handshakeTimeout}, so the data plane refuses under {@code require} instead of
 * hanging. Nothing here blocks the caller: the data plane holds the SYN in the kernel meanwhile.
 * The responder side is driven by relay messages ({@link #onMessage}).
 *
 * <p>If the relay is down, the current key stays in use indefinitely: existing sessions keep
 * working. Thread-safe.
 */
public final class NoiseKeySource implements KeySource, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(NoiseKeySource.class.getName());
    /** Relay sends waiting while the relay is slow; beyond, the oldest is dropped (its attempt times out). */
    private static final int SEND_BACKLOG = 256;
    /** On-demand directory lookups at once; concurrent misses for one address share one. */
    private static final int LOOKUP_THREADS = 2;
    private static final CompletableFuture<Optional<SessionKey>> NONE = CompletableFuture.completedFuture(Optional.empty());

    /**
     * Timers and choices of a key source.
     *
     * @param protocol the Noise protocol; every agent must use the same one
     * @param handshakeTimeout longest wait for a first key (a held SYN waits this long at most),
     *     and the life of an unanswered handshake attempt
     * @param rekeyAfter age after which a key is replaced (in the background)
     * @param rekeyAfterBytes payload bytes sealed under a key after which it is replaced
     * @param grace how long a replaced key stays valid for {@code byId}
     * @param peerKeyTtl how long a directory answer is cached
     * @param revalidateEvery how often every peer with a session is looked up again; a peer
     *     the directory no longer knows (revoked) loses its sessions then, so this bounds how
     *     long a revoked host can still open connections to us
     */
    public record Settings(NoiseProtocol protocol, Duration handshakeTimeout, Duration rekeyAfter,
            long rekeyAfterBytes, Duration grace, Duration peerKeyTtl, Duration revalidateEvery) {
        /** Five-timer form with the byte schedule and revalidation at their defaults. */
        public Settings(NoiseProtocol protocol, Duration handshakeTimeout, Duration rekeyAfter,
                Duration grace, Duration peerKeyTtl) {
            this(protocol, handshakeTimeout, rekeyAfter, DEFAULT_REKEY_BYTES, grace, peerKeyTtl, DEFAULT_REVALIDATE);
        }

        /** ChaChaPoly, 1 s wait, rekey every 2 min or 16 GiB, 30 s grace, 60 s peer key TTL, revalidate every 10 s. */
        public static Settings defaults() {
            return new Settings(NoiseProtocol.KK_25519_CHACHAPOLY_SHA256, Duration.ofSeconds(1),
                    Duration.ofMinutes(2), DEFAULT_REKEY_BYTES, Duration.ofSeconds(30), Duration.ofSeconds(60),
                    DEFAULT_REVALIDATE);
        }
    }

    /** 16 GiB: far below any limit of the per-connection keys, a bound on what one key protects. */
    public static final long DEFAULT_REKEY_BYTES = 16L << 30;
    /** Revocation reaches this agent within this interval plus one lookup. */
    public static final Duration DEFAULT_REVALIDATE = Duration.ofSeconds(10);

    private final PeerKey self;
    private final RelayTransport relay;
    private final Settings settings;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final PeerKeyCache peerKeys;
    private final Peers peers = new Peers();
    private final Handshakes handshakes;
    private final Rekeying rekeying;
    private final Revalidator revalidator;
    /** Relay sends leave the caller's thread (a packet thread may trigger one); one lane keeps them in order. */
    private final Executor sends;
    private volatile boolean closed;

    /**
     * A key source for the host owning {@code localStatic} (not copied; the caller keeps it
     * alive), on real time with threads of its own. Call {@link #start()} before use.
     */
    public NoiseKeySource(NoiseKeyPair localStatic, PeerDirectory directory, RelayTransport relay,
            Settings settings, KeyPairSource ephemerals) {
        this(localStatic, directory, relay, settings, new SystemScheduler(), true, ephemerals, new SecureRandom());
    }

    /**
     * A key source on {@code scheduler}'s time and lanes; the caller closes the scheduler after
     * this source. Call {@link #start()} before use.
     */
    public NoiseKeySource(NoiseKeyPair localStatic, PeerDirectory directory, RelayTransport relay,
            Settings settings, Scheduler scheduler, KeyPairSource ephemerals) {
        this(localStatic, directory, relay, settings, scheduler, false, ephemerals, new SecureRandom());
    }

    /** With handshake ids and revalidation order from {@code random}: a seeded one makes a test repeatable. */
    NoiseKeySource(NoiseKeyPair localStatic, PeerDirectory directory, RelayTransport relay, Settings settings,
            Scheduler scheduler, KeyPairSource ephemerals, Random random) {
        this(localStatic, directory, relay, settings, scheduler, false, ephemerals, random);
    }

    private NoiseKeySource(NoiseKeyPair localStatic, PeerDirectory directory, RelayTransport relay,
            Settings settings, Scheduler scheduler, boolean ownsScheduler, KeyPairSource ephemerals, Random random) {
        this.self = PeerKey.of(localStatic.publicKey());
        this.relay = Objects.requireNonNull(relay);
        this.settings = Objects.requireNonNull(settings);
        this.scheduler = Objects.requireNonNull(scheduler);
        this.ownsScheduler = ownsScheduler;
        this.peerKeys = new PeerKeyCache(Objects.requireNonNull(directory), settings.peerKeyTtl(), scheduler,
                scheduler.lane("peer-lookup", LOOKUP_THREADS, Integer.MAX_VALUE));
        this.rekeying = new Rekeying(settings.rekeyAfter(), settings.rekeyAfterBytes(), settings.grace());
        this.handshakes = new Handshakes(localStatic, settings.protocol(), settings.handshakeTimeout(), rekeying,
                scheduler, Objects.requireNonNull(ephemerals), random);
        this.revalidator = new Revalidator(peerKeys, peers, scheduler,
                scheduler.lane("peer-revalidate", Revalidator.PARALLELISM, Integer.MAX_VALUE),
                settings.revalidateEvery(), random);
        this.sends = scheduler.lane("relay-send", 1, SEND_BACKLOG);
    }

    /**
     * Starts receiving relay messages (the responder side) and revalidating peers.
     *
     * @throws IOException if the relay cannot be reached
     */
    public void start() throws IOException {
        relay.start(this::onMessage);
        revalidator.start();
    }

    /** Peers with which this agent holds a session key now. */
    public int sessions() {
        return peers.withKeys();
    }

    /** Peers whose sessions were dropped because the directory no longer vouched for them. */
    public long revokedPeers() {
        return revalidator.revokedPeers();
    }

    /** PROTOCOL.md 4, staleness: since the key server last answered for this address with a key. */
    @Override
    public Duration sinceVouched(InetAddress peer) {
        return peerKeys.sinceVouched(peer);
    }

    /** Every peer with a session entry, for the management side (never key material). */
    @Override
    public java.util.List<PeerStatus> peers() {
        return peers.statuses(scheduler.now(), peerKeys::sinceVouched);
    }

    /** This host's identity on the relay. */
    public PeerKey self() {
        return self;
    }

    /**
     * {@inheritDoc} Waits at most {@link Settings#handshakeTimeout} for a first key. Never call
     * it on the scheduler's own thread (a virtual scheduler's is the test's).
     */
    @Override
    public Optional<SessionKey> current(InetAddress peer) {
        try {
            return currentAsync(peer).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty(); // never happens: currentAsync does not complete exceptionally
        }
    }

    /**
     * {@inheritDoc} Fresh or stale keys the peer holds answer at once (a stale one also starts a
     * rekey); otherwise the future completes when the handshake installs a key, or with empty
     * after {@link Settings#handshakeTimeout}.
     */
    @Override
    public CompletableFuture<Optional<SessionKey>> currentAsync(InetAddress peer) {
        Optional<PeerKey> known = peerKeys.answerNow(peer);
        CompletableFuture<Optional<SessionKey>> f = known.isPresent()
                ? forPeer(peer, known.get())
                : peerKeys.lookupAsync(peer).thenCompose(pk -> pk.isPresent() ? forPeer(peer, pk.get()) : NONE);
        return withinTimeout(f);
    }

    /**
     * {@inheritDoc} Looks up each peer and runs the handshake now (as {@link #currentAsync} would
     * on the first SYN), so that first connection finds the session ready. Both sides may do this
     * at once; simultaneous starts resolve as usual.
     */
    @Override
    public void prepare(Collection<InetAddress> peers) {
        peers.forEach(this::currentAsync);
    }

    /** The offer decision for {@code pk} at {@code address}: steps 2 to 4 of {@link #currentAsync}. */
    private CompletableFuture<Optional<SessionKey>> forPeer(InetAddress address, PeerKey pk) {
        Handshakes.Outgoing out;
        SessionKey offered;
        CompletableFuture<SessionKey> next = null;
        synchronized (peers) {
            peers.bind(address, pk);
            PeerSession s = peers.session(pk);
            offered = s.offered();
            if (offered != null && rekeying.isFresh(s, scheduler.now())) {
                return CompletableFuture.completedFuture(Optional.of(offered));
            }
            Duration left = s.confirmationTimeLeft(scheduler.now(), confirmationWindow());
            if (offered == null && !left.isZero()) {
                return awaitConfirmation(address, pk, s, left);
            }
            out = handshakes.startIfIdle(pk, s); // a rekey, or our own first handshake
            if (offered == null) {
                next = s.waitForNext();
            }
        }
        send(out);
        return offered != null
                ? CompletableFuture.completedFuture(Optional.of(offered)) // stale: used while the rekey runs
                : next.thenApply(Optional::of);
    }

    /**
     * No key the peer is known to hold, but we just answered its handshake: its confirmation
     * (message 3) is due any moment. Wait for it a little; if it does not come (the peer had
     * abandoned that attempt, or the relay lost it), decide again, which runs a handshake of our
     * own. Caller holds the lock.
     */
    private CompletableFuture<Optional<SessionKey>> awaitConfirmation(InetAddress address, PeerKey pk,
            PeerSession s, Duration left) {
        CompletableFuture<Optional<SessionKey>> confirmed = s.waitForNext().thenApply(Optional::of);
        return scheduler.completeOnTimeout(confirmed, Optional.empty(), left)
                .thenCompose(k -> k.isPresent() ? CompletableFuture.completedFuture(k) : forPeer(address, pk));
    }

    /** How long a responder waits for message 3 before it runs a handshake of its own: a quarter of the bound. */
    private Duration confirmationWindow() {
        return settings.handshakeTimeout().dividedBy(4);
    }

    /** Bounds a wait by the handshake timeout; never completes exceptionally (a dropped peer gives empty). */
    private CompletableFuture<Optional<SessionKey>> withinTimeout(CompletableFuture<Optional<SessionKey>> f) {
        if (!f.isDone()) {
            scheduler.completeOnTimeout(f, Optional.empty(), settings.handshakeTimeout());
        }
        return f.exceptionally(e -> Optional.empty());
    }

    /**
     * {@inheritDoc} Only a key held with the host that the directory names as the owner of
     * {@code peer} is accepted (its cached answer, or the last one known while the directory
     * cannot be reached): a key id travels in clear in every OFFER, and holding some host's
     * session key must not let a SYN from another host's address in.
     */
    @Override
    public Optional<SessionKey> byId(InetAddress peer, int keyId) {
        Optional<PeerKey> owner = peerKeys.known(peer);
        return owner.isEmpty() ? Optional.empty() : keyOf(owner.get(), peer, keyId);
    }

    /**
     * {@inheritDoc} When the owner of {@code peer} is not known, asks the directory (on the lookup
     * lane) and completes with the key once it is known, or with empty after
     * {@link Settings#handshakeTimeout}.
     */
    @Override
    public CompletableFuture<Optional<SessionKey>> byIdAsync(InetAddress peer, int keyId) {
        Optional<PeerKey> known = peerKeys.answerNow(peer);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(keyOf(known.get(), peer, keyId));
        }
        return withinTimeout(peerKeys.lookupAsync(peer).thenApply(owner -> owner.flatMap(o -> keyOf(o, peer, keyId))));
    }

    private Optional<SessionKey> keyOf(PeerKey owner, InetAddress peer, int keyId) {
        Optional<SessionKey> k = peers.keyOf(owner, peer, keyId, scheduler.now(), rekeying.graceUntil(scheduler.now()));
        if (k.isEmpty()) {
            resynchronize(owner);
        }
        return k;
    }

    /**
     * {@code owner} offered a key we do not hold: we lost it (we restarted, or the message 2 that
     * gave it to the peer came from our previous run) or dropped it. The peer would go on offering
     * it, and nothing else would tell it, so start a handshake of our own (unless one is running):
     * its message 2 or confirmation makes the peer offer a key we hold from its next connection
     * on. At most one attempt per handshake timeout, however many offers are refused.
     */
    private void resynchronize(PeerKey owner) {
        Handshakes.Outgoing out;
        synchronized (peers) {
            out = handshakes.startIfIdle(owner, peers.session(owner));
        }
        send(out);
    }

    /** One revalidation pass now (tests; the agent's run every {@link Settings#revalidateEvery}). */
    void revalidate() {
        revalidator.startPass();
    }

    /**
     * Drops every key held with the host at {@code peer} and the cached directory answer, so the
     * next connection to it runs a new handshake (first contact again). Open connections keep
     * their connection keys.
     */
    public void forget(InetAddress peer) {
        peers.owner(peer).or(() -> peerKeys.cached(peer)).ifPresent(owner -> peers.drop(owner, peer));
        peerKeys.forget(peer);
    }

    /** Stops the relay and revalidation, and wipes every key this source holds. */
    @Override
    public void close() {
        closed = true;
        relay.close();
        revalidator.stop();
        if (ownsScheduler) {
            scheduler.close();
        }
        peers.wipeAll();
    }

    /** Handles one relay message; drops anything malformed, unexpected or unauthentic. */
    void onMessage(PeerKey from, byte[] bytes) {
        HandshakeMessage m = HandshakeMessage.decode(bytes);
        if (m == null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "dropped a malformed relay message from " + from);
            return;
        }
        Handshakes.Outgoing out;
        synchronized (peers) {
            out = handshakes.onMessage(from, peers.session(from), m);
        }
        send(out);
    }

    /** Hands {@code out} to the send lane; the caller's thread never waits for the relay. */
    private void send(Handshakes.Outgoing out) {
        if (out == null || closed) {
            return;
        }
        try {
            sends.execute(() -> {
                if (closed) {
                    return;
                }
                try {
                    relay.send(out.to(), out.message());
                } catch (IOException e) { // the attempt times out and is retried on a later connection
                    LOG.log(System.Logger.Level.DEBUG, () -> "relay send to " + out.to() + " failed: " + e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Counts peers; never keys. */
    @Override
    public String toString() {
        return "NoiseKeySource[" + self + ", " + settings.protocol().protocolName() + ", " + peers.size() + " peers]";
    }
}
