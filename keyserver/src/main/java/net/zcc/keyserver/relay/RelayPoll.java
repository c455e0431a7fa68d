package net.zcc.keyserver.relay;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One long-poll of a host: {@link #result()} completes with the messages as soon as any are there,
 * or with an empty list when the caller {@link #expire() expires} it (its timeout) or a newer poll
 * of the same host replaces it.
 *
 * <p>Why a claim flag: a send and a timeout can race. Whoever claims the poll first decides how it
 * completes, so a message is either delivered through this poll or stays queued, never lost.
 */
public final class RelayPoll {
    private final Relay relay;
    private final Mailbox box;
    private final AtomicBoolean claimed = new AtomicBoolean();
    /** Set before the result completes when the host was revoked while waiting. */
    private volatile boolean revoked;
    private final CompletableFuture<List<Delivered>> result = new CompletableFuture<>();

    RelayPoll(Relay relay, Mailbox box) {
        this.relay = relay;
        this.box = box;
    }

    /**
     * Returns the future of this poll. It is completed outside the relay's locks, on the thread of
     * the send, the poll or the expiry that decided it; dependent stages run on that thread.
     */
    public CompletableFuture<List<Delivered>> result() {
        return result;
    }

    /**
     * Ends the poll with an empty result unless messages were already claimed for it.
     *
     * @return true if this call ended the poll empty; false if it had already been decided
     */
    public boolean expire() {
        relay.detach(box, this);
        if (!claim()) {
            return false;
        }
        result.complete(List.of());
        return true;
    }

    /**
     * True if the poll ended because its host was revoked ({@link Relay#evict}); then the result
     * is empty and the caller must refuse the requester instead of answering "no messages".
     * Valid once {@link #result()} is complete.
     */
    public boolean revoked() {
        return revoked;
    }

    /** Ends the poll empty and marked revoked, unless already decided; called by the relay. */
    boolean revoke() {
        if (!claim()) {
            return false;
        }
        revoked = true;
        result.complete(List.of());
        return true;
    }

    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    void complete(List<Delivered> messages) {
        result.complete(messages);
    }
}
