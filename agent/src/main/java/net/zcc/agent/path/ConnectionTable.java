package net.zcc.agent.path;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The agent's connections, shared by every queue thread (xtables' queue balancing keeps a flow
 * on one queue, but the native fanout does not promise it, so the table does not rely on it).
 * Connections leave by {@link #sweep}: closed ones after a grace period for retransmissions,
 * half-open ones after a handshake timeout, idle ones after the established timeout.
 */
public final class ConnectionTable {
    /** After RST or both FINs: long enough for the last retransmissions and TIME_WAIT's ACKs. */
    static final Duration CLOSED_GRACE = Duration.ofSeconds(60);
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMinutes(2);
    /** Conntrack's established timeout: an idle connection lives as long as the kernel keeps it. */
    static final Duration IDLE_TIMEOUT = Duration.ofDays(5);

    private final ConcurrentHashMap<FlowKey, Connection> map = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public ConnectionTable(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    long now() {
        return clock.getAsLong();
    }

    Connection get(FlowKey k) {
        return map.get(k);
    }

    void put(Connection c) {
        map.put(c.key, c);
    }

    public int size() {
        return map.size();
    }

    /**
     * Connections not yet ended (any state but CLOSED) per service's counters: a gauge for the
     * management side, computed when asked, so the packet path keeps no count of its own.
     */
    public java.util.Map<ServiceCounters, Integer> openByService() {
        java.util.Map<ServiceCounters, Integer> open = new java.util.IdentityHashMap<>();
        for (Connection c : map.values()) {
            boolean live;
            synchronized (c) {
                live = c.state != Connection.State.CLOSED;
            }
            if (live) {
                open.merge(c.traffic, 1, Integer::sum);
            }
        }
        return open;
    }

    /** Forgets connections whose time is up; returns how many. Run every few seconds. */
    public int sweep() {
        long now = now();
        int[] removed = {0};
        map.values().removeIf(c -> {
            boolean gone;
            synchronized (c) {
                gone = switch (c.state) {
                    case CLOSED -> now - c.closedAtNanos > CLOSED_GRACE.toNanos();
                    case SYN_SENT, SYN_RCVD, REFUSED -> now - c.lastSeenNanos > HANDSHAKE_TIMEOUT.toNanos();
                    default -> now - c.lastSeenNanos > IDLE_TIMEOUT.toNanos();
                };
                if (gone) { // key material does not outlive the connection
                    if (c.keys != null) {
                        c.keys.wipe();
                    }
                    if (c.sessionKey != null) {
                        java.util.Arrays.fill(c.sessionKey, (byte) 0);
                    }
                }
            }
            if (gone) {
                removed[0]++;
            }
            return gone;
        });
        return removed[0];
    }
}
