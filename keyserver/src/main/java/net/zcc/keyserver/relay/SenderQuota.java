package net.zcc.keyserver.relay;

import java.util.HashMap;
import java.util.Map;
import net.zcc.contract.KeyId;

/**
 * What each sender has waiting in the relay: bytes, and messages per destination. Bounds one
 * sender per destination ({@link RelayLimits#maxMessagesPerPair()}) and over all destinations
 * (bytes, number of mailboxes), so that one host can neither fill another's mailbox nor spread
 * messages over thousands of destinations. Callers hold the destination's mailbox lock; this
 * class has its own, taken after it (never the other way round).
 */
final class SenderQuota {

    private static final class Usage {
        long bytes;
        final Map<KeyId, Integer> perDestination = new HashMap<>();
    }

    private final RelayLimits limits;
    private final Map<KeyId, Usage> senders = new HashMap<>();

    SenderQuota(RelayLimits limits) {
        this.limits = limits;
    }

    /** Reserves room for one message, or says which quota it would break. */
    synchronized SendResult admit(KeyId from, KeyId to, int length) {
        Usage u = senders.computeIfAbsent(from, k -> new Usage());
        int waiting = u.perDestination.getOrDefault(to, 0);
        SendResult result = SendResult.QUEUED;
        if (waiting >= limits.maxMessagesPerPair()) {
            result = SendResult.PAIR_FULL;
        } else if (u.bytes + length > limits.maxBytesPerSender()
                || (waiting == 0 && u.perDestination.size() >= limits.maxMailboxesPerSender())) {
            result = SendResult.SENDER_FULL;
        }
        if (result == SendResult.QUEUED) {
            u.bytes += length;
            u.perDestination.put(to, waiting + 1);
        } else if (u.bytes == 0) {
            senders.remove(from);
        }
        return result;
    }

    /** Gives back the room of one message that left (delivered, expired, discarded). */
    synchronized void release(KeyId from, KeyId to, int length) {
        Usage u = senders.get(from);
        if (u == null) {
            return;
        }
        u.bytes -= length;
        u.perDestination.computeIfPresent(to, (k, n) -> n <= 1 ? null : n - 1);
        if (u.perDestination.isEmpty()) {
            senders.remove(from);
        }
    }

    /** Senders with something waiting (tests: back to 0 once the relay is empty). */
    synchronized int senders() {
        return senders.size();
    }
}
