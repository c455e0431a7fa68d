package net.zcc.agent.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.zcc.agent.noise.HandshakeState;

/**
 * What one agent knows about one peer: the current session key, the replaced keys the peer may
 * still use, the retired keys in their grace period, and the handshake in progress. Guarded by
 * the owning {@link NoiseKeySource}'s lock.
 *
 * <p>Key confirmation. Message 2 of a handshake may be lost (the key server failing in that
 * moment), so the responder cannot know that the initiator holds the new key, and neither side
 * knows which keys the other still accepts. Two rules keep the two sides on keys both hold:
 * <ol>
 *   <li>we <em>offer</em> only a key the peer is known to hold: one we got as initiator (the
 *       peer wrote message 2, so it holds it), one the initiator confirmed (message 3, after
 *       our message 2 reached it), or one the peer has offered to us; with none, a connection
 *       waits briefly for a confirmation still due, then runs a handshake of its own, instead
 *       of offering a key the peer may not have;</li>
 *   <li>a replaced key stays acceptable until the peer is seen offering the current key; only
 *       then do the replaced keys get the grace period (at most {@link #MAX_AWAITING} are kept).</li>
 * </ol>
 */
final class PeerSession {

    /** Replaced keys kept while the peer has not used the current one (rekeys every 2 min: 16 min). */
    static final int MAX_AWAITING = 8;

    /** A handshake in progress; {@code initiator} says which side we play. */
    record Pending(HandshakeState state, long id, boolean initiator, long startedNanos) { }


    private record Retired(SessionKey key, Instant validUntil) { }

    SessionKey current;
    Pending pending;
    /** Session keys installed so far (the first plus every rekey), for the management side. */
    long installs;
    /** The last handshake failure with this peer, for the management side; empty if none. */
    String lastError = "";
    /** Completed with the next installed key; shared by every caller waiting for one. */
    CompletableFuture<SessionKey> next;
    /** The newest key the peer is known to hold: what we offer; null when we know of none. */
    private SessionKey offer;
    /** When each key we hold was installed (freshness of the offered key). */
    private final java.util.Map<SessionKey, Instant> born = new java.util.IdentityHashMap<>();
    /** Keys replaced since the peer last offered the current key, oldest first: still accepted. */
    private final List<SessionKey> awaiting = new ArrayList<>();
    private final List<Retired> retired = new ArrayList<>();

    /** The future the next installed key completes, created on first use. */
    CompletableFuture<SessionKey> waitForNext() {
        if (next == null) {
            next = new CompletableFuture<>();
        }
        return next;
    }

    /** Abandons the handshake in progress, if any, and wipes its state. */
    void abandonPending() {
        if (pending != null) {
            pending.state().wipe();
            pending = null;
        }
    }

    /** Abandons the handshake and wipes every key (the peer was revoked or we close). */
    void wipeAll() {
        abandonPending();
        if (current != null) {
            current.wipe();
            current = null;
        }
        awaiting.forEach(SessionKey::wipe);
        awaiting.clear();
        retired.forEach(r -> r.key().wipe());
        retired.clear();
        born.clear();
        offer = null;
        answered = null;
        if (next != null) {
            next.completeExceptionally(new IllegalStateException("peer dropped")); // waiters see no key
            next = null;
        }
    }

    /**
     * Makes {@code key} current. {@code peerHoldsIt} when we are the initiator: the peer wrote the
     * message that gave it to us. The replaced key stays acceptable (rule 2).
     */
    void install(SessionKey key, boolean peerHoldsIt, Instant now, Instant graceUntil) {
        if (current != null) {
            awaiting.add(current);
            if (awaiting.size() > MAX_AWAITING) {
                SessionKey oldest = awaiting.get(0) == offer ? awaiting.remove(1) : awaiting.remove(0);
                retired.add(new Retired(oldest, graceUntil));
            }
        }
        current = key;
        installs++;
        born.put(key, now);
        pending = null;
        if (peerHoldsIt) {
            offer = key;
            if (next != null) { // waiters get a key the peer holds, never an unconfirmed one
                next.complete(key);
                next = null;
            }
        }
        prune(now);
    }

    /** The key to offer in our SYNs (rule 1); null when we know of none the peer holds. */
    SessionKey offered() {
        return offer;
    }

    /** When the offered key was installed; null with no offered key. */
    Instant offeredBorn() {
        return offer == null ? null : born.get(offer);
    }

    /** The key we last answered a handshake with, waiting for the initiator's confirmation. */
    private SessionKey answered;
    private long answeredId;
    private long answeredNanos;

    /** Remembers the key of a handshake we answered: offered once the initiator confirms it. */
    void answered(SessionKey key, long handshakeId, long nowNanos) {
        answered = key;
        answeredId = handshakeId;
        answeredNanos = nowNanos;
    }

    /** How much of {@code windowNanos} is left for the confirmation of our last answer; 0 if none is due. */
    long confirmationTimeLeft(long nowNanos, long windowNanos) {
        return answered == null ? 0 : Math.max(0, windowNanos - (nowNanos - answeredNanos));
    }

    /**
     * The initiator of handshake {@code handshakeId} confirmed it holds the key: offer it, and
     * hand it to whoever waits for a key. Returns false if it does not match our last answer.
     */
    boolean confirm(long handshakeId, byte[] tag) {
        if (answered == null || answeredId != handshakeId
                || !java.security.MessageDigest.isEqual(tag, HandshakeMessage.confirmationTag(answered.key(), handshakeId))) {
            return false;
        }
        offer = answered;
        answered = null;
        if (next != null) {
            next.complete(offer);
            next = null;
        }
        return true;
    }

    /**
     * The current, a replaced or a retired key in grace with this id. The peer offering the current
     * key confirms it: we offer it from now on, and the replaced keys get the grace period.
     */
    Optional<SessionKey> byId(int keyId, Instant now, Instant graceUntil) {
        prune(now);
        if (current != null && current.id() == keyId) {
            offer = current;
            for (SessionKey k : awaiting) {
                retired.add(new Retired(k, graceUntil));
            }
            awaiting.clear();
            return Optional.of(current);
        }
        for (SessionKey k : awaiting) {
            if (k.id() == keyId) {
                if (offer == null) {
                    offer = k; // the peer holds it: better than offering nothing
                }
                return Optional.of(k);
            }
        }
        return retired.stream().map(Retired::key).filter(k -> k.id() == keyId).findFirst();
    }

    /** Drops and wipes retired keys past their grace period (also called for quiet peers, by revalidation). */
    void prune(Instant now) {
        retired.removeIf(r -> {
            boolean expired = !now.isBefore(r.validUntil());
            if (expired) {
                r.key().wipe();
                born.remove(r.key());
            }
            return expired;
        });
    }
}
