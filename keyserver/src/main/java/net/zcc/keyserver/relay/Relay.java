package net.zcc.keyserver.relay;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake relay: holds Noise messages for hosts in memory only, until delivered or expired.
 *
 * <p>Pure and thread-safe: no I/O, no threads, no clock of its own (every call takes {@code now}).
 * Each destination has a {@link Mailbox} guarded by its own monitor, so hosts do not contend with
 * each other. Nothing is written to disk, and logs carry key ids and sizes only, never content:
 * the key server must not keep anything that could reveal session keys (DESIGN.md section 5).
 *
 * <p>Expiry is swept on every send and poll of a host, and over all hosts by {@link #sweep},
 * which the owner calls periodically (a few seconds is enough; it only frees memory earlier).
 */
public final class Relay {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final RelayLimits limits;
    private final ConcurrentHashMap<KeyId, Mailbox> boxes = new ConcurrentHashMap<>();
    private final AtomicLong totalBytes = new AtomicLong();
    private final SenderQuota quota;

    /** Creates an empty relay with the given bounds. */
    public Relay(RelayLimits limits) {
        this.limits = Objects.requireNonNull(limits);
        this.quota = new SenderQuota(limits);
    }

    /** Returns the bounds this relay enforces. */
    public RelayLimits limits() {
        return limits;
    }

    /** Hosts revoked while this relay runs: refused as senders and destinations (a revocation is for good). */
    private final java.util.Set<KeyId> revoked = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Queues a handshake message for {@code to}, or hands it at once to {@code to}'s waiting poll.
     *
     * <p>The relay takes ownership of {@code message}: it wipes the array when the message is
     * delivered (the receiver gets a copy), expires, or is refused. The caller must not reuse it.
     * {@code senderKey} (public) is copied and delivered with the message; the sender's key id is
     * derived from it, so the caller must have checked it is the authenticated sender's key.
     *
     * @param senderKey the sender's X25519 static public key, 32 bytes
     * @return {@link SendResult#QUEUED}, or the reason the message was refused
     */
    public SendResult send(byte[] senderKey, KeyId to, byte[] message, Instant now) {
        Objects.requireNonNull(to);
        Objects.requireNonNull(message);
        Objects.requireNonNull(now);
        if (senderKey == null || senderKey.length != RelayWire.SENDER_KEY_BYTES) {
            Arrays.fill(message, (byte) 0);
            throw new IllegalArgumentException("a sender key is " + RelayWire.SENDER_KEY_BYTES + " bytes");
        }
        byte[] key = senderKey.clone();
        KeyId from = KeyId.of(key);
        SendResult result = precheck(from, to, message);
        if (result != SendResult.QUEUED) {
            return refuse(from, to, message, result);
        }
        RelayPoll taker = null;
        List<Delivered> delivered = null;
        while (true) {
            Mailbox box = boxes.computeIfAbsent(to, k -> new Mailbox(k, quota));
            synchronized (box) {
                if (box.dead) {
                    continue; // swept between lookup and lock; take the fresh one
                }
                release(box.expire(now));
                // Under the mailbox lock: evict() marks a host revoked before it sweeps the
                // mailboxes, so a send that raced past the servlet's check cannot land after it.
                result = revoked.contains(from) || revoked.contains(to) ? SendResult.REVOKED
                        : admit(box, from, to, message.length);
                if (result != SendResult.QUEUED) {
                    break;
                }
                box.add(key, from, message, now.plus(limits.ttl()));
                if (box.waiter != null && box.waiter.claim()) {
                    taker = box.waiter;
                    box.waiter = null;
                    delivered = drain(box);
                }
                break;
            }
        }
        if (result != SendResult.QUEUED) {
            return refuse(from, to, message, result);
        }
        LOG.debug("relay: {} bytes from {} to {} {}", message.length, from, to,
                taker != null ? "delivered to waiting poll" : "queued");
        if (taker != null) {
            taker.complete(delivered); // outside the lock: dependents (HTTP writes) run here
        }
        return SendResult.QUEUED;
    }

    /**
     * Starts a long-poll for {@code host}. If messages are waiting, the returned poll is already
     * complete with them. Otherwise it completes when a message arrives, or empty when the caller
     * calls {@link RelayPoll#expire()} (its timeout) or a newer poll of the same host replaces it.
     */
    public RelayPoll poll(KeyId host, Instant now) {
        Objects.requireNonNull(host);
        Objects.requireNonNull(now);
        while (true) {
            Mailbox box = boxes.computeIfAbsent(host, k -> new Mailbox(k, quota));
            RelayPoll replaced = null;
            List<Delivered> delivered = null;
            RelayPoll poll = new RelayPoll(this, box);
            synchronized (box) {
                if (box.dead) {
                    continue;
                }
                release(box.expire(now));
                if (box.size() > 0) {
                    poll.claim();
                    delivered = drain(box);
                } else {
                    // One waiter per host: an agent runs one poll loop, and a host opening many
                    // polls must not pin memory; the older poll ends empty and its client re-polls.
                    replaced = box.waiter;
                    box.waiter = poll;
                }
            }
            if (replaced != null && replaced.claim()) {
                replaced.complete(List.of());
            }
            if (delivered != null) {
                LOG.debug("relay: {} messages delivered to {}", delivered.size(), host);
                poll.complete(delivered);
            }
            return poll;
        }
    }

    /**
     * Drops and wipes every expired message and forgets idle hosts.
     *
     * @return the number of bytes freed by expiry
     */
    public long sweep(Instant now) {
        long freed = 0;
        for (var e : boxes.entrySet()) {
            Mailbox box = e.getValue();
            synchronized (box) {
                int f = box.expire(now);
                release(f);
                freed += f;
                if (box.idle()) {
                    box.dead = true;
                    boxes.remove(e.getKey(), box);
                }
            }
        }
        if (freed > 0) {
            LOG.debug("relay: sweep expired {} bytes", freed);
        }
        return freed;
    }

    /**
     * Ends everything the relay holds for a revoked {@code host}: its waiting poll completes at
     * once, {@link RelayPoll#revoked() marked revoked}, and its mailbox is dropped with every
     * message wiped; so are the messages it sent that still wait in other hosts' mailboxes (a
     * receiver would otherwise answer a handshake with a host that can no longer be reached).
     *
     * @return the number of messages dropped
     */
    public int evict(KeyId host) {
        revoked.add(host); // first: every later send from or to it is refused
        return drop(host);
    }

    /**
     * Ends everything the relay holds for a deleted {@code host}, as {@link #evict} does, but
     * without refusing it later: the same key may enroll again (the senders' access checks keep a
     * deleted host out meanwhile).
     *
     * @return the number of messages dropped
     */
    public int forget(KeyId host) {
        return drop(host);
    }

    private int drop(KeyId host) {
        for (Mailbox other : boxes.values()) {
            synchronized (other) {
                release(other.discardFrom(host));
            }
        }
        Mailbox box = boxes.remove(host);
        if (box == null) {
            return 0;
        }
        RelayPoll waiter;
        int dropped;
        synchronized (box) {
            box.dead = true; // a sender or poller holding it looks again and makes a fresh one
            dropped = box.size();
            release(box.discard());
            waiter = box.waiter;
            box.waiter = null;
        }
        if (waiter != null) {
            waiter.revoke(); // outside the lock, as every completion
        }
        LOG.debug("relay: evicted {} ({} messages dropped, poll {})", host, dropped,
                waiter != null ? "ended" : "none");
        return dropped;
    }

    /** Returns the bytes of all waiting messages. */
    public long pendingBytes() {
        return totalBytes.get();
    }

    /** Returns the number of messages waiting for {@code host} (not swept first). */
    public int pendingMessages(KeyId host) {
        Mailbox box = boxes.get(host);
        if (box == null) {
            return 0;
        }
        synchronized (box) {
            return box.size();
        }
    }

    /** Returns the number of hosts with a poll waiting. */
    public int waitingPolls() {
        int n = 0;
        for (Mailbox box : boxes.values()) {
            synchronized (box) {
                n += box.waiter != null ? 1 : 0;
            }
        }
        return n;
    }

    /** Removes {@code poll} as its host's waiter, if it still is; called by {@link RelayPoll#expire()}. */
    void detach(Mailbox box, RelayPoll poll) {
        synchronized (box) {
            if (box.waiter == poll) {
                box.waiter = null;
            }
        }
    }

    private SendResult precheck(KeyId from, KeyId to, byte[] message) {
        if (message.length == 0) {
            return SendResult.EMPTY;
        }
        if (message.length > limits.maxMessageBytes()) {
            return SendResult.TOO_LARGE;
        }
        if (from.equals(to)) {
            return SendResult.SELF;
        }
        return SendResult.QUEUED;
    }

    /**
     * Checks the bounds of the destination, then the sender's quotas (per destination, in bytes,
     * in mailboxes), and reserves the bytes in the global bound; caller holds the box.
     */
    private SendResult admit(Mailbox box, KeyId from, KeyId to, int length) {
        if (box.size() >= limits.maxMessagesPerHost()) {
            return SendResult.HOST_FULL_MESSAGES;
        }
        if (box.bytes() + length > limits.maxBytesPerHost()) {
            return SendResult.HOST_FULL_BYTES;
        }
        SendResult sender = quota.admit(from, to, length);
        if (sender != SendResult.QUEUED) {
            return sender;
        }
        if (totalBytes.addAndGet(length) > limits.maxTotalBytes()) {
            totalBytes.addAndGet(-length);
            quota.release(from, to, length);
            return SendResult.RELAY_FULL;
        }
        return SendResult.QUEUED;
    }

    /** Senders with messages waiting (tests: 0 once everything left). */
    public int activeSenders() {
        return quota.senders();
    }

    /** Hosts with a mailbox or a waiting poll (tests: memory comes back after a flood). */
    public int mailboxes() {
        return boxes.size();
    }

    private List<Delivered> drain(Mailbox box) {
        release(box.bytes());
        return box.drain();
    }

    private void release(long bytes) {
        if (bytes != 0) {
            totalBytes.addAndGet(-bytes);
        }
    }

    private static SendResult refuse(KeyId from, KeyId to, byte[] message, SendResult why) {
        LOG.debug("relay: refused {} bytes from {} to {}: {}", message.length, from, to, why.reason());
        Arrays.fill(message, (byte) 0);
        return why;
    }
}
