package net.zcc.agent.keys;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The directory answer cache: a TTL cache in front of a {@link PeerDirectory} (PROTOCOL.md 4,
 * 60 s). Misses run on a lane of their own, so a directory which hangs (key server down) never
 * blocks the caller. Negative answers are not
 * cached: a newly enrolled host is found at once. An expired answer is asked again, but kept: while the directory cannot be reached it
 * still stands (existing peers keep working with the key server down); a "no such host" answer
 * removes it. Thread-safe.
 */
final class PeerKeyCache {

    /** {@code vouched}: when the directory last answered with this key (staleness, PROTOCOL.md 4). */
    private record Entry(PeerKey key, Instant expires, Instant vouched) { }

    private final PeerDirectory directory;
    private final Duration ttl;
    private final Scheduler clock;
    private final Executor lookups;
    private final Map<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    private final Map<InetAddress, CompletableFuture<Optional<PeerKey>>> inFlight = new ConcurrentHashMap<>();

    PeerKeyCache(PeerDirectory directory, Duration ttl, Scheduler clock, Executor lookups) {
        this.directory = directory;
        this.ttl = ttl;
        this.clock = clock;
        this.lookups = lookups;
    }

    /**
     * The directory's last answer for {@code peer}, used at once even when older than its TTL (a
     * key server that does not answer must not stall connections to known peers); an old one
     * is asked again in the background. Revalidation bounds how long a revoked host's entry
     * can be used.
     */
    Optional<PeerKey> answerNow(InetAddress peer) {
        Optional<PeerKey> fresh = cached(peer);
        if (fresh.isPresent()) {
            return fresh;
        }
        Optional<PeerKey> known = known(peer);
        if (known.isPresent()) {
            lookupAsync(peer); // refresh; an answer "no such host" removes the entry
        }
        return known;
    }

    /**
     * The last key the directory gave for {@code peer}, fresh or not: what is trusted while the
     * directory cannot be reached (a host it answered "unknown" for is forgotten at once).
     */
    Optional<PeerKey> known(InetAddress peer) {
        Entry e = entries.get(peer);
        return e == null ? Optional.empty() : Optional.of(e.key);
    }

    /** The cached key if still fresh, without blocking. */
    Optional<PeerKey> cached(InetAddress peer) {
        Entry e = entries.get(peer);
        return e != null && clock.now().isBefore(e.expires) ? Optional.of(e.key) : Optional.empty();
    }

    /**
     * The key from the cache, or a directory lookup on the lookup lane; the future completes with
     * empty if the host is unknown or the directory failed. Concurrent misses for one address
     * share one lookup. Never blocks the caller.
     */
    CompletableFuture<Optional<PeerKey>> lookupAsync(InetAddress peer) {
        Optional<PeerKey> hit = cached(peer);
        if (hit.isPresent()) {
            return CompletableFuture.completedFuture(hit);
        }
        CompletableFuture<Optional<PeerKey>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<PeerKey>> running = inFlight.putIfAbsent(peer, mine);
        if (running != null) {
            return running;
        }
        try {
            lookups.execute(() -> {
                Optional<PeerKey> k = Optional.empty();
                try {
                    k = directory.lookup(peer);
                    if (k.isPresent()) {
                        put(peer, k.get());
                    } else {
                        entries.remove(peer); // the directory says: no such host (revoked, unknown)
                    }
                } catch (Throwable e) { // unreachable (or worse): the last answer stands, if any
                    k = known(peer);
                } finally {
                    inFlight.remove(peer, mine);
                    mine.complete(k);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) { // closed
            inFlight.remove(peer, mine);
            mine.complete(Optional.empty());
        }
        return mine;
    }

    /**
     * Asks the directory again, now, on the caller's thread (housekeeping only): a found key is
     * cached anew, an unknown host is forgotten.
     *
     * @throws IOException if the directory cannot be reached (the cache is left as it was)
     */
    Optional<PeerKey> refresh(InetAddress peer) throws java.io.IOException {
        Optional<PeerKey> k = directory.lookup(peer);
        if (k.isPresent()) {
            put(peer, k.get());
        } else {
            entries.remove(peer);
        }
        return k;
    }

    private void put(InetAddress peer, PeerKey key) {
        Instant now = clock.now();
        entries.put(peer, new Entry(key, now.plus(ttl), now));
    }

    /**
     * How long ago the directory last answered for {@code peer} with a key; zero for an address it
     * was never asked about (a connection to it waits for a lookup first, which vouches or fails).
     */
    Duration sinceVouched(InetAddress peer) {
        Entry e = entries.get(peer);
        return e == null ? Duration.ZERO : Duration.between(e.vouched, clock.now());
    }

    /** Every address with an answer (fresh or not) and its key: what revalidation checks. */
    Map<InetAddress, PeerKey> snapshot() {
        Map<InetAddress, PeerKey> out = new java.util.HashMap<>();
        entries.forEach((a, e) -> out.put(a, e.key));
        return out;
    }

    /** Forgets what is cached for {@code peer}. */
    void forget(InetAddress peer) {
        entries.remove(peer);
    }

}
