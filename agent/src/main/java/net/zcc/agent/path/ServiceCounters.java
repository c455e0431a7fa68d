package net.zcc.agent.path;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;

/**
 * One service's traffic counters: monotonic totals since the agent started, kept across reloads
 * for as long as the agent runs (a service is the same one while its peer, port and role stay the
 * same; its name may change). Plain adders, bumped by the queue threads next to the data plane's
 * own {@link PathCounters}; the management package only reads them. {@link #NONE} counts the
 * drops of packets that belong to no service.
 */
public final class ServiceCounters {
    /** The name under which packets that belong to no service are counted. */
    public static final String NO_SERVICE = "(none)";
    static final ServiceCounters NONE = new ServiceCounters(null);

    private volatile Service service;
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder segmentsIn = new LongAdder();
    final LongAdder segmentsOut = new LongAdder();
    final LongAdder handshakes = new LongAdder();
    final LongAdder heldSyns = new LongAdder();
    final LongAdder compressionSaved = new LongAdder();
    private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);

    ServiceCounters(Service service) {
        this.service = service;
        for (DropReason r : DropReason.values()) {
            drops.put(r, new LongAdder());
        }
    }

    /** The identity of a service across reloads: peer address, port and role. */
    record Key(java.net.InetAddress host, int port, Role role) {
        static Key of(Service s) {
            return new Key(s.host(), s.port(), s.role());
        }
    }

    void drop(DropReason r) {
        drops.get(r).increment();
    }

    /** The service as last configured; null for {@link #NONE}. */
    public Service service() {
        return service;
    }

    void service(Service s) {
        service = s;
    }

    public String name() {
        return service == null ? NO_SERVICE : service.name();
    }

    /** Payload bytes opened (after decompression). */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Payload bytes sealed (before compression). */
    public long bytesOut() {
        return bytesOut.sum();
    }

    public long segmentsIn() {
        return segmentsIn.sum();
    }

    public long segmentsOut() {
        return segmentsOut.sum();
    }

    public long handshakes() {
        return handshakes.sum();
    }

    public long heldSyns() {
        return heldSyns.sum();
    }

    /** Bytes compression kept off the wire on the way out (original minus sent). */
    public long compressionSavedBytes() {
        return compressionSaved.sum();
    }

    public long drops(DropReason r) {
        return drops.get(r).sum();
    }
}
