package net.zcc.agent.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.zcc.agent.noise.HandshakeState;

/**
 * What one agent knows about one peer: the current session key, the replaced keys the peer may
 * still use, the retired keys in their grace period, and the handshake in progress. Guarded by
 * the lock of the {@link Peers} table that holds it.
 *
 * <p>Key confirmation. Message 2 of a handshake may be lost (the key server failing in that
 * moment), so the responder cannot know that the initiator holds the new key, and neither side
 * knows which keys the other still accepts. Three rules keep the two sides on keys both hold:
 * <ol>
 *   <li>we <em>offer</em> only a key the peer is known to hold: one we got as initiator (the
 *       peer wrote message 2, so it holds it), one the initiator confirmed (message 3, after
 *       our message 2 reached it), or one the peer has offered to us; with none, a connection
 *       waits briefly for a confirmation still due, then runs a handshake of its own, instead
 *       of offering a key the peer may not have;</li>
 *   <li>a replaced key stays acceptable until the peer is seen offering the current key; only
 *       then do the replaced keys get the grace period (at most {@link #MAX_AWAITING} are kept,
 *       never dropping the one we offer or the one the peer was last seen offering);
 *       a late confirmation never takes the offer back to an older key;</li>
 *   <li>an offer of a key id we do not hold starts a handshake of ours ({@link NoiseKeySource}):
 *       the peer holds a key we lost, and would go on offering it.</li>
 * </ol>
 */
final class PeerSession {

    /** Replaced keys kept while the peer has not used the current one (rekeys every 2 min: 16 min). */
    static final int MAX_AWAITING = 8;

    /** A handshake in progress; {@code initiator} says which side we play. */
    record Pending(HandshakeState state, long id, boolean initiator, Instant started) {
        /** Started less than {@code timeout} ago: its answer may still come. */
        boolean isAlive(Instant now, Duration timeout) {
            return now.isBefore(started.plus(timeout));
        }
    }

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
    /** The replaced key the peer was last seen offering: it may go on using it. */
    private SessionKey peerUses;
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
        peerUses = null;
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
                retired.add(new Retired(leastUsed(), graceUntil));
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

    /**
     * Takes the oldest replaced key that neither side is known to use: not the one we offer, and
     * not the one the peer was last seen offering. A run of answered handshakes whose message 2
     * was lost adds keys the peer never got; they must not push out the one it does use.
     */
    private SessionKey leastUsed() {
        for (int i = 0; i < awaiting.size(); i++) {
            SessionKey k = awaiting.get(i);
            if (k != offer && k != peerUses) {
                return awaiting.remove(i);
            }
        }
        return awaiting.remove(0); // not reached: more than two keys wait
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
    private Instant answeredAt;

    /** Remembers the key of a handshake we answered: offered once the initiator confirms it. */
    void answered(SessionKey key, long handshakeId, Instant now) {
        answered = key;
        answeredId = handshakeId;
        answeredAt = now;
    }

    /** How much of {@code window} is left for the confirmation of our last answer; zero if none is due. */
    Duration confirmationTimeLeft(Instant now, Duration window) {
        if (answered == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, answeredAt.plus(window));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * The initiator of handshake {@code handshakeId} confirmed it holds the key: offer it, and
     * hand it to whoever waits for a key. Returns false if it does not match our last answer, or
     * if that key is no longer current: a newer one, got as initiator since, is offered already,
     * and going back to the older one would offer a key whose grace period the peer may have
     * started when it saw us offer the newer one (relay messages can be that late).
     */
    boolean confirm(long handshakeId, byte[] tag) {
        if (answered == null || answered != current || answeredId != handshakeId
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
            peerUses = null;
            for (SessionKey k : awaiting) {
                retired.add(new Retired(k, graceUntil));
            }
            awaiting.clear();
            return Optional.of(current);
        }
        for (SessionKey k : awaiting) {
            if (k.id() == keyId) {
                peerUses = k;
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
