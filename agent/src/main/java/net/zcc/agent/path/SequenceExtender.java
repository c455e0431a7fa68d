package net.zcc.agent.path;

/**
 * Extends 32-bit TCP sequence numbers to 64-bit offsets relative to an ISN, the way TCP-AO's
 * sequence number extension does (RFC 5925 6.2): keystreams are indexed by 64-bit offsets, so
 * a connection that moves more than 4 GiB never reuses one.
 *
 * <p>The offset of sequence number {@code s} is {@code s - isn - 1} (the first payload byte has
 * offset 0; the SYN itself is -1). Of the values congruent to that modulo 2^32, the one nearest
 * the highest offset accepted so far is chosen; TCP windows are below 2^30, so the nearest is
 * right. {@link #extend} only computes; {@link #advance} records an offset once the segment is
 * known to be genuine, so a forged segment cannot move the window. Not thread-safe: the owning
 * connection serialises access.
 */
public final class SequenceExtender {
    private static final long MOD = 1L << 32;
    private final long isn;
    private long highest = -1;

    public SequenceExtender(long isn) {
        this.isn = isn & 0xffffffffL;
    }

    /** The 64-bit offset of a 32-bit sequence number, given what was accepted so far. */
    public long extend(long seq32) {
        long r32 = (seq32 - isn - 1) & 0xffffffffL;
        if (highest < 0) {
            // Nothing accepted yet: offsets near the start; 2^32-1 is the SYN itself (-1).
            return r32 == 0xffffffffL ? -1 : r32;
        }
        long candidate = (highest & ~0xffffffffL) | r32;
        if (candidate - highest > MOD / 2) {
            candidate -= MOD;
        } else if (highest - candidate > MOD / 2) {
            candidate += MOD;
        }
        return Math.max(candidate, -1);
    }

    /** Records an accepted offset (from {@link #extend} of a genuine segment). */
    public void advance(long offset) {
        if (offset > highest) {
            highest = offset;
        }
    }

    /** Extends and records in one step: for segments this host's own stack sent. */
    public long extendAndAdvance(long seq32) {
        long v = extend(seq32);
        advance(v);
        return v;
    }
}
