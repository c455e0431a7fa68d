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
 *   <li>we <em>offer</em> the newest key the peer is known to hold: one we got as initiator (the
 *       peer wrote message 2, so it holds it), or one the peer has offered to us;</li>
 *   <li>a replaced key stays acceptable until the peer is seen offering the current key; only
 *       then do the replaced keys get the grace period (at most {@link #MAX_AWAITING} are kept).</li>
 * </ol>
 */
final class PeerSession {

    /** Replaced keys kept while the peer has not used the current one (rekeys every 2 min: 16 min). */
    static final int MAX_AWAITING = 8;

    /** A handshake in progress; {@code initiator} says which side we play. */
    record Pending(HandshakeState state, long id, boolean initiator, long startedNanos) { }

    /** When a handshake we initiated last completed; 0 if never. */
    long initiatedNanos;

    private record Retired(SessionKey key, Instant validUntil) { }

    SessionKey current;
    Instant currentBorn;
    Pending pending;
    /** Completed with the next installed key; shared by every caller waiting for one. */
    CompletableFuture<SessionKey> next;
    /** The newest key the peer is known to hold: what we offer. */
    private SessionKey offer;
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
        offer = null;
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
        currentBorn = now;
        if (peerHoldsIt || offer == null) {
            offer = key;
        }
        pending = null;
        if (next != null) {
            next.complete(key);
            next = null;
        }
        prune(now);
    }

    /** The key to offer in our SYNs (rule 1). */
    SessionKey offered() {
        return offer != null ? offer : current;
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
                return Optional.of(k);
            }
        }
        return retired.stream().map(Retired::key).filter(k -> k.id() == keyId).findFirst();
    }

    /** Drops and wipes retired keys past their grace period. */
    private void prune(Instant now) {
        retired.removeIf(r -> {
            boolean expired = !now.isBefore(r.validUntil());
            if (expired) {
                r.key().wipe();
            }
            return expired;
        });
    }
}
