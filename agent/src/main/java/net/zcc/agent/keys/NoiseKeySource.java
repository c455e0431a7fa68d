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
 * <p>Flow of {@link #currentAsync}: 1. address to static key (TTL cache; a miss asks the
 * directory on a lookup thread); 2. a fresh cached key answers at once; 3. a stale one does too,
 * and a rekey starts in the background; 4. with no key, start or join a handshake; the future
 * completes when it installs a key, or 5. with empty after {@link Settings#handshakeTimeout},
 * so the data plane refuses under {@code require} instead of hanging. Nothing here blocks the
 * caller: the data plane holds the SYN in the kernel meanwhile.
 *
 * <p>Revocation: every {@link Settings#revalidateEvery} the directory is asked again about each
 * peer address seen with a session; a peer it no longer knows loses its keys.
 *
 * <p>The responder side is driven by relay messages ({@link #onMessage}). When both sides start
 * at once, the side with the lower static public key stays initiator and ignores the other's
 * message 1; the higher side abandons its own attempt and answers, so both end with one key.
 * Rekeying is by time and by bytes sealed under the key (whichever comes first). A key is
 * offered only when the peer is known to hold it: we initiated, the initiator confirmed it
 * (message 3), or the peer used it; replaced keys stay acceptable until the peer uses the
 * current one, then for {@link Settings#grace} ({@link PeerSession}). So lost or reordered relay
 * messages, a staggered start or a peer restart never leave the two sides on keys the other
 * does not hold. If the relay is down, the current key
 * stays in use indefinitely: existing sessions keep working.
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
    /** Addresses seen with each peer's keys: what revalidation asks the directory about. Guarded by this. */
    private final Map<InetAddress, PeerKey> addressOwners = new HashMap<>();
    /** Relay sends leave the caller's thread: a packet thread may trigger one. One thread keeps them in order. */
    private final ExecutorService sender;
    private final java.util.concurrent.ScheduledExecutorService revalidator;
    /** Lookups of one revalidation pass; their own threads, so on-demand lookups never wait behind them. */
    private final ExecutorService revalidations;
    static final int REVALIDATION_PARALLELISM = 4;
    private final java.util.concurrent.atomic.LongAdder revoked = new java.util.concurrent.atomic.LongAdder();

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
        // Bounded: with the relay down, sends may block for their timeout; what does not fit is
        // dropped (that attempt times out and a later connection retries).
        this.sender = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "zcc-relay-send");
                    t.setDaemon(true);
                    return t;
                }, new java.util.concurrent.ThreadPoolExecutor.DiscardOldestPolicy());
        this.revalidations = Executors.newFixedThreadPool(REVALIDATION_PARALLELISM, r -> {
            Thread t = new Thread(r, "zcc-peer-revalidate-lookup");
            t.setDaemon(true);
            return t;
        });
        this.revalidator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zcc-peer-revalidate");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts receiving relay messages (the responder side).
     *
     * @throws IOException if the relay cannot be reached
     */
    public void start() throws IOException {
        relay.start(this::onMessage);
        long every = settings.revalidateEvery().toMillis();
        // At a fixed rate: a pass takes at most the period, so a revoked peer is checked within
        // about one period plus a lookup.
        revalidator.scheduleAtFixedRate(this::revalidate, every, every, TimeUnit.MILLISECONDS);
    }

    /** Peers with which this agent holds a session key now. */
    public synchronized int sessions() {
        return (int) sessions.values().stream().filter(s -> s.current != null).count();
    }

    /** Every peer with a session entry: its addresses, key age, rekeys and last error (issue 12, Peers). */
    @Override
    public synchronized java.util.List<PeerStatus> peers() {
        Instant now = clock.instant();
        java.util.List<PeerStatus> out = new java.util.ArrayList<>();
        sessions.forEach((peer, s) -> {
            java.util.List<InetAddress> addresses = addressOwners.entrySet().stream()
                    .filter(e -> e.getValue().equals(peer)).map(Map.Entry::getKey).toList();
            Instant born = s.offeredBorn();
            long vouched = addresses.isEmpty() ? -1 : addresses.stream()
                    .mapToLong(a -> sinceVouched(a).toSeconds()).min().orElse(-1);
            out.add(new PeerStatus(peer, "", addresses, born == null ? -1 : Duration.between(born, now).toSeconds(),
                    Math.max(0, s.installs - 1), vouched, s.lastError));
        });
        return out;
    }

    /** Peers whose sessions were dropped because the directory no longer vouched for them. */
    public long revokedPeers() {
        return revoked.sum();
    }

    /** This host's identity on the relay. */
    public PeerKey self() {
        return self;
    }

    /** {@inheritDoc} Waits at most {@link Settings#handshakeTimeout} for a first key. */
    @Override
    public Optional<SessionKey> current(InetAddress peer) {
        try {
            return currentAsync(peer).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.empty(); // never happens: currentAsync does not complete exceptionally
        }
    }

    /**
     * {@inheritDoc} Fresh or stale cached keys answer at once (a stale one also starts a rekey);
     * otherwise the future completes when the handshake installs a key, or with empty after
     * {@link Settings#handshakeTimeout}. Relay sends run on their own thread.
     */
    @Override
    public CompletableFuture<Optional<SessionKey>> currentAsync(InetAddress peer) {
        Optional<PeerKey> known = knownRefreshing(peer);
        CompletableFuture<Optional<SessionKey>> f = known.isPresent()
                ? forPeer(peer, known.get())
                : peerKeys.lookupAsync(peer).thenCompose(pk -> pk.isPresent() ? forPeer(peer, pk.get()) : NONE);
        return f.isDone() ? f : f.completeOnTimeout(Optional.empty(),
                settings.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS).exceptionally(e -> Optional.empty());
    }

    /**
     * {@inheritDoc} Looks up each peer and runs the handshake now (as {@link #currentAsync} would
     * on the first SYN), so that first connection finds the session ready. Both sides may do this
     * at once; simultaneous starts resolve as usual.
     */
    @Override
    public void prepare(java.util.Collection<InetAddress> peers) {
        for (InetAddress peer : peers) {
            currentAsync(peer);
        }
    }

    private static final CompletableFuture<Optional<SessionKey>> NONE = CompletableFuture.completedFuture(Optional.empty());

    private CompletableFuture<Optional<SessionKey>> forPeer(InetAddress address, PeerKey pk) {
        Outgoing out;
        CompletableFuture<SessionKey> next;
        synchronized (this) {
            addressOwners.put(address, pk);
            PeerSession s = sessions.computeIfAbsent(pk, k -> new PeerSession());
            SessionKey offered = s.offered();
            if (offered != null && isFresh(s)) {
                return CompletableFuture.completedFuture(Optional.of(offered));
            }
            // No key the peer is known to hold, but we just answered its handshake: its
            // confirmation (message 3) is due any moment; wait for it a little, then, if it does
            // not come (the peer had abandoned that attempt), run a handshake of our own.
            long window = confirmationWindowNanos();
            long left = s.confirmationTimeLeft(System.nanoTime(), window);
            if (offered == null && left > 0) {
                return s.waitForNext().thenApply(Optional::of)
                        .completeOnTimeout(Optional.empty(), left, TimeUnit.NANOSECONDS)
                        .thenCompose(k -> k.isPresent() ? CompletableFuture.completedFuture(k) : forPeer(address, pk));
            }
            out = startInitiatorIfIdle(pk, s);
            if (offered != null) { // stale: keep using it while the rekey runs
                sendOutsideLock(out);
                return CompletableFuture.completedFuture(Optional.of(offered));
            }
            next = s.waitForNext(); // first contact, or only unconfirmed keys: our own handshake
        }
        sendOutsideLock(out);
        return next.thenApply(Optional::of);
    }

    /** How long a responder waits for message 3 before it runs a handshake of its own: a quarter of the bound. */
    private long confirmationWindowNanos() {
        return settings.handshakeTimeout().toNanos() / 4;
    }

    /** The offered key (the one connections use) is young enough and has sealed less than the budget. */
    private boolean isFresh(PeerSession s) {
        Instant born = s.offeredBorn();
        return born != null && clock.instant().isBefore(born.plus(settings.rekeyAfter()))
                && s.offered().bytesSealed() < settings.rekeyAfterBytes();
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
     * {@inheritDoc} When the owner of {@code peer} is not cached, asks the directory (on a lookup
     * thread) and completes with the key once it is known, or with empty after
     * {@link Settings#handshakeTimeout}.
     */
    @Override
    public CompletableFuture<Optional<SessionKey>> byIdAsync(InetAddress peer, int keyId) {
        Optional<PeerKey> known = knownRefreshing(peer);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(keyOf(known.get(), peer, keyId));
        }
        return peerKeys.lookupAsync(peer)
                .thenApply(owner -> owner.flatMap(o -> keyOf(o, peer, keyId)))
                .completeOnTimeout(Optional.empty(), settings.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .exceptionally(e -> Optional.empty());
    }

    /**
     * The directory's last answer for {@code peer}, used at once even when older than its TTL (a
     * key server that does not answer must not stall connections to known peers); an old one
     * is asked again in the background. Revalidation bounds how long a revoked host's entry
     * can be used.
     */
    private Optional<PeerKey> knownRefreshing(InetAddress peer) {
        Optional<PeerKey> fresh = peerKeys.cached(peer);
        if (fresh.isPresent()) {
            return fresh;
        }
        Optional<PeerKey> known = peerKeys.known(peer);
        if (known.isPresent()) {
            peerKeys.lookupAsync(peer); // refresh; an answer "no such host" removes the entry
        }
        return known;
    }

    /** The session key {@code keyId} held with {@code owner}; remembers the address for revalidation. */
    private synchronized Optional<SessionKey> keyOf(PeerKey owner, InetAddress peer, int keyId) {
        PeerSession s = sessions.get(owner);
        Instant now = clock.instant();
        Optional<SessionKey> k = s == null ? Optional.empty() : s.byId(keyId, now, now.plus(settings.grace()));
        if (k.isPresent()) {
            addressOwners.put(peer, owner);
        }
        return k;
    }

    /**
     * Asks the directory about every address seen with a session; a peer it no longer knows
     * (revoked, or its address given to another host) loses every session key at once, so it
     * cannot open new connections to us. Unreachable directory: nothing changes (existing
     * sessions keep working while the key server is down).
     */
    void revalidate() {
        try {
            revalidateAll();
        } catch (InterruptedException e) { // closing
            Thread.currentThread().interrupt();
        } catch (Throwable t) { // a scheduled task that throws is never run again: revocation would stop
            LOG.log(System.Logger.Level.WARNING, "peer revalidation failed; retried next period", t);
        }
    }

    /**
     * One pass: every address seen with a session, {@link #REVALIDATION_PARALLELISM} lookups at a
     * time, the pass bounded by the revalidation period (what is not checked by then is checked
     * in the next pass).
     */
    private void revalidateAll() throws InterruptedException {
        // Every address with a session and every directory answer we hold (a cached answer is
        // what lets a SYN in); shuffled, so a pass cut short by the period never skips the same ones.
        Map<InetAddress, PeerKey> seen = new HashMap<>(peerKeys.snapshot());
        synchronized (this) {
            seen.putAll(addressOwners);
            Instant now = clock.instant();
            sessions.values().forEach(s -> s.prune(now)); // wipe retired keys of quiet peers too
        }
        java.util.List<Map.Entry<InetAddress, PeerKey>> order = new java.util.ArrayList<>(seen.entrySet());
        java.util.Collections.shuffle(order, random);
        java.util.List<CompletableFuture<Void>> checks = new java.util.ArrayList<>();
        for (Map.Entry<InetAddress, PeerKey> e : order) {
            checks.add(CompletableFuture.runAsync(() -> revalidate(e.getKey(), e.getValue()), revalidations));
        }
        try {
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                    .get(settings.revalidateEvery().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            checks.forEach(c -> c.cancel(false));
            LOG.log(System.Logger.Level.WARNING, "peer revalidation: " + seen.size()
                    + " peers not all checked within " + settings.revalidateEvery() + "; the rest next period");
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "peer revalidation failed: " + e.getCause());
        }
    }

    private void revalidate(InetAddress address, PeerKey owner) {
        Optional<PeerKey> now;
        try {
            now = peerKeys.refresh(address);
        } catch (IOException | RuntimeException ex) {
            return; // unreachable: nothing changes while the key server is down
        }
        if (now.isEmpty()) { // revoked (or the address left it): its keys go
            forgetPeer(owner, address);
        } else if (!now.get().equals(owner)) {
            // The address now belongs to another host: the old owner's keys no longer count for
            // it (the address binding refuses them), but the old owner may live on elsewhere.
            synchronized (this) {
                addressOwners.remove(address, owner);
            }
        }
    }

    private void forgetPeer(PeerKey peer, InetAddress address) {
        if (!dropPeer(peer, address)) {
            return;
        }
        revoked.increment();
        LOG.log(System.Logger.Level.WARNING, "the key server no longer vouches for " + peer + " at "
                + address.getHostAddress() + ": its session keys are dropped, new connections refused");
    }

    /**
     * Drops every key held with the host at {@code peer} and the cached directory answer, so the
     * next connection to it runs a new handshake (first contact again). Open connections keep
     * their connection keys.
     */
    public void forget(InetAddress peer) {
        PeerKey owner;
        synchronized (this) {
            owner = addressOwners.get(peer);
        }
        if (owner == null) {
            owner = peerKeys.cached(peer).orElse(null);
        }
        if (owner != null) {
            dropPeer(owner, peer);
        }
        peerKeys.forget(peer);
    }

    /** Wipes and removes the peer's sessions; false if there were none. */
    private boolean dropPeer(PeerKey peer, InetAddress address) {
        synchronized (this) {
            addressOwners.remove(address, peer);
            PeerSession s = sessions.remove(peer);
            if (s == null) {
                return false;
            }
            s.wipeAll();
            addressOwners.values().removeIf(peer::equals);
        }
        peerKeys.forget(address);
        return true;
    }

    /** Stops the relay and wipes every key this source holds. */
    @Override
    public void close() {
        relay.close();
        revalidator.shutdownNow();
        revalidations.shutdownNow();
        sender.shutdownNow();
        lookups.shutdownNow();
        synchronized (this) {
            for (PeerSession s : sessions.values()) {
                s.wipeAll();
            }
            sessions.clear();
            addressOwners.clear();
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
            s.lastError = "cannot start a handshake: " + e.getMessage();
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
            out = switch (m.type()) {
                case HandshakeMessage.MESSAGE_1 -> answer(from, s, m);
                case HandshakeMessage.MESSAGE_2 -> finish(from, s, m);
                default -> {
                    if (!s.confirm(m.handshakeId(), m.noise())) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "dropped a confirmation from " + from + " for no answer of ours");
                    }
                    yield null;
                }
            };
        }
        sendOutsideLock(out);
    }

    /** Responder: reads message 1 and writes message 2, unless we win a simultaneous start. */
    private Outgoing answer(PeerKey from, PeerSession s, HandshakeMessage m) {
        if (s.pending != null && s.pending.initiator() && self.compareTo(from) < 0
                && System.nanoTime() - s.pending.startedNanos() < settings.handshakeTimeout().toNanos()) {
            // (an attempt of ours older than the timeout is dead, its message 2 lost: answer instead)
            LOG.log(System.Logger.Level.DEBUG, () -> "simultaneous handshake with " + from + ": staying initiator");
            return null;
        }
        // A late message 1 of an attempt the peer abandoned (it answered ours instead) is answered
        // too: the peer drops our message 2, never confirms, so we never offer that key.
        s.abandonPending(); // the peer with the lower key wins; we answer instead
        HandshakeState hs = HandshakeState.responder(settings.protocol(), PROLOGUE, localStatic, from.bytes(), ephemerals);
        try {
            hs.readMessage(m.noise());
            byte[] m2 = hs.writeMessage(new byte[0]);
            SessionKey key = install(from, s, hs.transport(), false);
            // Offered once the initiator confirms it got message 2 (message 3) or uses the key.
            s.answered(key, m.handshakeId(), System.nanoTime());
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
            SessionKey key = install(from, s, p.state().transport(), true); // the peer holds it: it wrote message 2
            // Tell the responder we hold it, so it may offer it too (message 3).
            return new Outgoing(from, new HandshakeMessage(HandshakeMessage.CONFIRM, m.handshakeId(),
                    HandshakeMessage.confirmationTag(key.key(), m.handshakeId())).encode());
        } catch (NoiseException e) {
            s.pending = null; // the failed state has wiped itself
            s.lastError = "message 2 rejected: " + e.getMessage();
            LOG.log(System.Logger.Level.INFO, "rejected handshake message 2 from " + from + ": " + e.getMessage());
        }
        return null;
    }

    private SessionKey install(PeerKey peer, PeerSession s, NoiseTransport t, boolean confirmed) {
        byte[] k = t.sessionKey();
        t.wipe(); // ZCC uses only the exported key, never the Noise transport itself
        SessionKey key = new SessionKey(KeyLine.keyId(k), k);
        Instant now = clock.instant();
        s.install(key, confirmed, now, now.plus(settings.grace()));
        LOG.log(System.Logger.Level.DEBUG, () -> "new session key " + key + " with " + peer);
        return key;
    }

    private void sendOutsideLock(Outgoing out) {
        if (out == null) {
            return;
        }
        try {
            sender.execute(() -> {
                try {
                    relay.send(out.to(), out.message());
                } catch (IOException e) { // the attempt times out and is retried on a later current()
                    LOG.log(System.Logger.Level.DEBUG, () -> "relay send to " + out.to() + " failed: " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** Counts peers; never keys. */
    @Override
    public synchronized String toString() {
        return "NoiseKeySource[" + self + ", " + settings.protocol().protocolName() + ", " + sessions.size() + " peers]";
    }
}
