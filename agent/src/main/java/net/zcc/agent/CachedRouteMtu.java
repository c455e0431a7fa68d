package net.zcc.agent;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import net.zcc.agent.nfqueue.RouteMtu;

/**
 * The route MTU per peer, asked of the kernel at most every few seconds: a burst of new
 * connections to one peer should not cost four system calls each.
 */
final class CachedRouteMtu implements ToIntFunction<byte[]> {
    private static final long TTL_NANOS = 5_000_000_000L;
    private static final int MAX_PEERS = 65536;
    private final ConcurrentHashMap<ByteBuffer, long[]> cache = new ConcurrentHashMap<>();

    @Override
    public int applyAsInt(byte[] peer) {
        long now = System.nanoTime();
        ByteBuffer key = ByteBuffer.wrap(peer.clone());
        long[] e = cache.get(key);
        if (e != null && now - e[1] < TTL_NANOS) {
            return (int) e[0];
        }
        int mtu = RouteMtu.of(peer);
        if (cache.size() >= MAX_PEERS) {
            cache.clear(); // a crude bound; the cache only saves system calls
        }
        cache.put(key, new long[] {mtu, now});
        return mtu;
    }
}
