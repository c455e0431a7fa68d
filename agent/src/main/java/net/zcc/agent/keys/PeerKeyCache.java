package net.zcc.agent.keys;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TTL cache in front of a {@link PeerDirectory}, with lookups bounded by a deadline. Misses
 * run on a small executor so that a directory which hangs (key server down) costs the caller
 * its deadline, never more. Negative answers are not cached: a newly enrolled host is found at
 * once. Thread-safe.
 */
final class PeerKeyCache {

    private record Entry(PeerKey key, Instant expires) { }

    private final PeerDirectory directory;
    private final Duration ttl;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    PeerKeyCache(PeerDirectory directory, Duration ttl, Clock clock, ExecutorService executor) {
        this.directory = directory;
        this.ttl = ttl;
        this.clock = clock;
        this.executor = executor;
    }

    /** The cached key if still fresh, without blocking. */
    Optional<PeerKey> cached(InetAddress peer) {
        Entry e = entries.get(peer);
        return e != null && clock.instant().isBefore(e.expires) ? Optional.of(e.key) : Optional.empty();
    }

    /** The key from the cache or the directory; empty if unknown, failed or past the deadline. */
    Optional<PeerKey> lookup(InetAddress peer, long deadlineNanos) {
        Optional<PeerKey> hit = cached(peer);
        if (hit.isPresent()) {
            return hit;
        }
        try {
            Optional<PeerKey> k = CompletableFuture.supplyAsync(() -> fetch(peer), executor)
                    .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            k.ifPresent(key -> entries.put(peer, new Entry(key, clock.instant().plus(ttl))));
            return k;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) { // timeout or directory failure: the caller refuses, never hangs
            return Optional.empty();
        }
    }

    private Optional<PeerKey> fetch(InetAddress peer) {
        try {
            return directory.lookup(peer);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
