package net.zcc.keyserver.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.ca.RevocationCheck;
import net.zcc.keyserver.store.Host;
import net.zcc.keyserver.store.HostDirectory;
import net.zcc.keyserver.store.HostState;

/**
 * The store-backed {@link RevocationCheck}: a host is allowed while its state is
 * {@link HostState#APPROVED}. Answers are cached for at most {@code ttl} (≤ 5 s) to keep a Derby
 * read off most calls; changes made through this key server ({@link #invalidate}) take effect at
 * once, so the cache only delays changes written to the store by another process.
 *
 * <p>Two views: {@link #hostsOnly()} for the relay (approved hosts only) and {@link #hostsAndAdmins()}
 * for XML-RPC, where the configured admin key ids are also let through (their calls are then
 * authorised per method). The admin set may be live (the key server's {@code AdminSet}:
 * {@code --admin} ids plus {@code <home>/admins}, re-read when the file changes).
 *
 * <p>In the API package because the handlers own it: {@code Admin} invalidates it on every state
 * change it makes. The key server's root package builds it and hands its two views to the relay
 * and the RPC server; nothing here looks back at the root package.
 */
public final class HostAccess {

    private record Entry(boolean allowed, long expiresAtNanos) { }

    /** Most answers cached at once: a few per host of a large fleet. */
    static final int MAX_CACHED = 65_536;

    private final HostDirectory hosts;
    private final Predicate<KeyId> admins;
    private final long ttlNanos;
    private final ConcurrentHashMap<KeyId, Entry> cache = new ConcurrentHashMap<>();
    /** Bumped by every invalidation, so a read that raced with a state change is not cached. */
    private final AtomicLong changes = new AtomicLong();

    /** Creates the check over {@code hosts}; {@code ttl} zero disables caching. */
    public HostAccess(HostDirectory hosts, Set<KeyId> admins, Duration ttl) {
        this(hosts, Set.copyOf(admins)::contains, ttl);
    }

    /** Creates the check with an admin test that may change while running (an {@code AdminSet}). */
    public HostAccess(HostDirectory hosts, Predicate<KeyId> admins, Duration ttl) {
        this.hosts = Objects.requireNonNull(hosts);
        this.admins = Objects.requireNonNull(admins);
        this.ttlNanos = ttl.toNanos();
    }

    /** True if {@code id} is an approved host (possibly from a cache entry at most ttl old). */
    public boolean isApprovedHost(KeyId id) {
        long now = System.nanoTime();
        Entry e = cache.get(id);
        if (e != null && now - e.expiresAtNanos() < 0) {
            return e.allowed();
        }
        long before = changes.get();
        boolean allowed = hosts.host(id).map(Host::state).filter(HostState.APPROVED::equals).isPresent();
        if (ttlNanos > 0 && changes.get() == before) {
            if (cache.size() >= MAX_CACHED) {
                // Made-up key ids (relay floods, forged certificates cannot, but ids in URLs can)
                // must not grow the cache: drop what expired, and everything if that is not enough.
                cache.values().removeIf(x -> now - x.expiresAtNanos() >= 0);
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
            }
            cache.put(id, new Entry(allowed, now + ttlNanos));
        }
        return allowed;
    }

    /** True if {@code id} is a configured administrator. */
    public boolean isAdmin(KeyId id) {
        return admins.test(id);
    }

    /** Forgets the cached state of {@code id}; call after changing it. */
    public void invalidate(KeyId id) {
        changes.incrementAndGet();
        cache.remove(id);
    }

    /** Approved hosts only. */
    public RevocationCheck hostsOnly() {
        return this::isApprovedHost;
    }

    /** Approved hosts and configured admins. */
    public RevocationCheck hostsAndAdmins() {
        return id -> isAdmin(id) || isApprovedHost(id);
    }
}
