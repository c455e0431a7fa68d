package net.zcc.agent.configd;

import java.time.Duration;

/**
 * Tuning of the generated rules. None of this is protocol: peers need not agree on any of it.
 *
 * @param firstQueue  the first NFQUEUE number
 * @param queueCount  how many queues (one worker thread each); flows are hashed over them
 * @param mark        the single packet/conntrack mark bit ZCC owns (only that bit is touched)
 * @param connTimeout how long an idle inbound connection stays in the started-connections set
 * @param interception which kernel path queues the packets
 */
public record RuleOptions(int firstQueue, int queueCount, long mark, Duration connTimeout, Interception interception) {
    public static final long DEFAULT_MARK = 0x00100000L;

    public RuleOptions {
        if (firstQueue < 0 || queueCount < 1 || firstQueue + queueCount > 65536) {
            throw new IllegalArgumentException("queues " + firstQueue + "+" + queueCount + " out of range 0..65535");
        }
        if (Long.bitCount(mark) != 1 || mark > 0x40000000L) {
            throw new IllegalArgumentException("mark must be a single bit of a 32-bit mark, below 0x80000000 (the next"
                    + " bit up marks packets the agent reflects to its own host): 0x" + Long.toHexString(mark));
        }
        if (connTimeout.toSeconds() < 60) {
            throw new IllegalArgumentException("connection timeout below one minute: " + connTimeout);
        }
    }

    public static RuleOptions defaults(Interception interception) {
        return new RuleOptions(0, 2, DEFAULT_MARK, Duration.ofDays(7), interception);
    }

    public int lastQueue() {
        return firstQueue + queueCount - 1;
    }

    public String markHex() {
        return String.format("0x%08x", mark);
    }

    /**
     * The bit above {@link #mark}: set on a packet the agent turns around to its own stack (a
     * reset for the local application), so the inbound rules let it through instead of queueing
     * it again.
     */
    public long reflectMark() {
        return mark << 1;
    }

    public String reflectMarkHex() {
        return String.format("0x%08x", reflectMark());
    }
}
