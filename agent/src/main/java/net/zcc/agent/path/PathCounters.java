package net.zcc.agent.path;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The data plane's counters, shared by every worker thread: one per {@link DropReason}, plus
 * what went right. LongAdder because several queue threads add at once and reads are rare.
 */
public final class PathCounters {
    private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    final LongAdder sealed = new LongAdder();
    final LongAdder opened = new LongAdder();
    final LongAdder sealedBytes = new LongAdder();
    final LongAdder openedBytes = new LongAdder();
    final LongAdder compressed = new LongAdder();
    final LongAdder handshakes = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder plaintext = new LongAdder();
    final LongAdder localResets = new LongAdder();
    final LongAdder passed = new LongAdder();
    final LongAdder mtuAdjusted = new LongAdder();
    final LongAdder synsHeld = new LongAdder();
    final LongAdder holdNanos = new LongAdder();
    final java.util.concurrent.atomic.AtomicLong holdNanosMax = new java.util.concurrent.atomic.AtomicLong();

    public PathCounters() {
        for (DropReason r : DropReason.values()) {
            drops.put(r, new LongAdder());
        }
    }

    void drop(DropReason r) {
        drops.get(r).increment();
    }

    public long drops(DropReason r) {
        return drops.get(r).sum();
    }

    public long totalDrops() {
        return drops.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Segments sealed (outbound) and opened (inbound) on protected connections. */
    public long sealed() {
        return sealed.sum();
    }

    public long opened() {
        return opened.sum();
    }

    /** Connections whose handshake completed with keys. */
    public long handshakes() {
        return handshakes.sum();
    }

    /** Connections refused because the peer runs no ZCC (policy require). */
    public long refused() {
        return refused.sum();
    }

    /** Connections continued in plaintext (policy opportunistic). */
    public long plaintextConnections() {
        return plaintext.sum();
    }

    /** Segments that went out compressed. */
    public long compressedSegments() {
        return compressed.sum();
    }

    /** RSTs handed to the local stack so an application sees a reset, not a hang or garbage. */
    public long localResets() {
        return localResets.sum();
    }

    /** Queued packets that were not ZCC's business and passed untouched. */
    public long passed() {
        return passed.sum();
    }

    /** SYNs held in the kernel while their session key was negotiated (first contact). */
    public long synsHeld() {
        return synsHeld.sum();
    }

    /** Total and longest time a SYN was held, in microseconds: the first-contact delay. */
    public long holdMicrosTotal() {
        return holdNanos.sum() / 1000;
    }

    public long holdMicrosMax() {
        return holdNanosMax.get() / 1000;
    }

    void held(long nanos) {
        holdNanos.add(nanos);
        holdNanosMax.accumulateAndGet(nanos, Math::max);
    }

    /** One line for logs: the non-zero counters. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("sealed ").append(sealed()).append(", opened ").append(opened())
                .append(", handshakes ").append(handshakes()).append(", refused ").append(refused())
                .append(", plaintext ").append(plaintextConnections()).append(", passed ").append(passed())
                .append(", syns held ").append(synsHeld());
        for (DropReason r : DropReason.values()) {
            long n = drops(r);
            if (n > 0) {
                sb.append(", drop ").append(r.name().toLowerCase()).append(' ').append(n);
            }
        }
        return sb.toString();
    }
}
