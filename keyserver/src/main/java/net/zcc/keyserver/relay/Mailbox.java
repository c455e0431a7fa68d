package net.zcc.keyserver.relay;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.zcc.contract.KeyId;

/**
 * The messages waiting for one host, and at most one waiting poll. Every method must be called
 * while holding the mailbox's monitor; {@link Relay} does the locking so a send, a poll and a sweep
 * on the same host see one consistent state.
 */
final class Mailbox {

    /**
     * A waiting message; the relay owns {@code body} and wipes it when it leaves. {@code senderKey}
     * is the sender's public static key, shared by all its entries (never written to).
     */
    private record Entry(byte[] senderKey, KeyId from, byte[] body, Instant expires) {
    }

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    /** The destination host this mailbox holds messages for. */
    private final KeyId owner;
    /** Told of every message that leaves, so the sender's quota is given back. */
    private final SenderQuota quota;

    Mailbox(KeyId owner, SenderQuota quota) {
        this.owner = owner;
        this.quota = quota;
    }
    private int bytes;
    /** The host's current long-poll; one per host, so a host cannot pile up waiters. */
    RelayPoll waiter;
    /** Set when the mailbox is removed from the relay's map; a caller holding it must look again. */
    boolean dead;

    int size() {
        return queue.size();
    }

    int bytes() {
        return bytes;
    }

    boolean idle() {
        return queue.isEmpty() && waiter == null;
    }

    void add(byte[] senderKey, KeyId from, byte[] body, Instant expires) {
        queue.addLast(new Entry(senderKey, from, body, expires));
        bytes += body.length;
    }

    /** Drops and wipes messages whose TTL has passed; returns the bytes freed. */
    int expire(Instant now) {
        int freed = 0;
        // Entries are appended in send order with one TTL, so expired ones are at the head, unless
        // the caller's clock went backwards; scanning the whole queue keeps that case correct too.
        var it = queue.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (!now.isBefore(e.expires())) {
                freed += leave(e);
                it.remove();
            }
        }
        bytes -= freed;
        return freed;
    }

    /** Drops and wipes the messages sent by the host with {@code senderKeyId} (it was revoked); returns the bytes freed. */
    int discardFrom(KeyId senderKeyId) {
        int freed = 0;
        var it = queue.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.from().equals(senderKeyId)) {
                freed += leave(e);
                it.remove();
            }
        }
        bytes -= freed;
        return freed;
    }

    /** Drops and wipes every waiting message (the host was revoked); returns the bytes freed. */
    int discard() {
        int freed = bytes;
        for (Entry e : queue) {
            leave(e);
        }
        queue.clear();
        bytes = 0;
        return freed;
    }

    /** Messages from {@code sender} waiting here. */
    int countFrom(KeyId sender) {
        int n = 0;
        for (Entry e : queue) {
            n += e.from().equals(sender) ? 1 : 0;
        }
        return n;
    }

    /** Wipes a message that leaves the mailbox and gives its sender's quota back; returns its length. */
    private int leave(Entry e) {
        int length = e.body().length;
        Arrays.fill(e.body(), (byte) 0);
        quota.release(e.from(), owner, length);
        return length;
    }

    /** Hands every waiting message out as a fresh copy and wipes the relay's own bytes. */
    List<Delivered> drain() {
        List<Delivered> out = new ArrayList<>(queue.size());
        for (Entry e : queue) {
            out.add(new Delivered(e.senderKey().clone(), e.body().clone()));
            leave(e);
        }
        queue.clear();
        bytes = 0;
        return out;
    }
}
