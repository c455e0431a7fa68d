package net.zcc.agent.path;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the local stack's own segments reveal about connections this agent lost (after a
 * restart): their acknowledgement number is the stack's rcv_nxt, the one sequence number at
 * which Linux accepts a RST (RFC 5961). The inbound path uses it to reset the local side.
 *
 * <p>How it is learnt: an inbound segment of a lost connection is first turned into an ACK far
 * outside the window, to which the stack answers with a duplicate ACK carrying rcv_nxt; the
 * outbound path records that (and drops it); the next inbound segment becomes the RST.
 * Bounded: the oldest hints go first.
 */
final class ResetHints {
    private static final int MAX = 4096;
    private final Map<FlowKey, Long> hints = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FlowKey, Long> e) {
            return size() > MAX;
        }
    };

    synchronized void learn(FlowKey k, long rcvNxt) {
        hints.put(k, rcvNxt);
    }

    /** The local stack's rcv_nxt for this lost connection, or -1 if not learnt yet. */
    synchronized long rcvNxt(FlowKey k) {
        Long v = hints.get(k);
        return v == null ? -1 : v;
    }
}
