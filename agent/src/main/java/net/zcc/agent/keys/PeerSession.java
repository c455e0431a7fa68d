package net.zcc.agent.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.zcc.agent.noise.HandshakeState;

/**
 * What one agent knows about one peer: the current session key, the retired keys still in their
 * grace period, and the handshake in progress. Guarded by the owning {@link NoiseKeySource}'s lock.
 */
final class PeerSession {

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

    /** Abandons the handshake and wipes the current and retired keys (the peer was revoked or we close). */
    void wipeAll() {
        abandonPending();
        if (current != null) {
            current.wipe();
            current = null;
        }
        retired.forEach(r -> r.key().wipe());
        retired.clear();
        if (next != null) {
            next.completeExceptionally(new IllegalStateException("peer dropped")); // waiters see no key
            next = null;
        }
    }

    /** Makes {@code key} current; the old current key stays valid until {@code graceUntil}. */
    void install(SessionKey key, Instant now, Instant graceUntil) {
        if (current != null) {
            retired.add(new Retired(current, graceUntil));
        }
        current = key;
        currentBorn = now;
        pending = null;
        if (next != null) {
            next.complete(key);
            next = null;
        }
        prune(now);
    }

    /** The current or a retired key in grace with this id. */
    Optional<SessionKey> byId(int keyId, Instant now) {
        prune(now);
        if (current != null && current.id() == keyId) {
            return Optional.of(current);
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
