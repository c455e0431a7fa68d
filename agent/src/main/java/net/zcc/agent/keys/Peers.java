package net.zcc.agent.keys;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The peer table of one key source: a {@link PeerSession} per peer host, and the addresses seen
 * with each host's keys (what revalidation asks the directory about).
 *
 * <p>The table's monitor is the one lock of key agreement: whoever reads or changes a session
 * holds it ({@code synchronized (peers)}), so a handshake step, an offer and a revocation never
 * interleave. Each step under it is one or two X25519 operations; nothing under it blocks.
 */
final class Peers {

    private final Map<PeerKey, PeerSession> sessions = new HashMap<>();
    private final Map<InetAddress, PeerKey> owners = new HashMap<>();

    /** The session with {@code peer}, created empty on first contact; caller holds the lock. */
    PeerSession session(PeerKey peer) {
        return sessions.computeIfAbsent(peer, k -> new PeerSession());
    }

    /** Remembers that {@code address} was used with {@code owner}'s keys; caller holds the lock. */
    void bind(InetAddress address, PeerKey owner) {
        owners.put(address, owner);
    }

    /** The host last seen using {@code address}, if any. */
    synchronized Optional<PeerKey> owner(InetAddress address) {
        return Optional.ofNullable(owners.get(address));
    }

    /** Every address seen with a session and its host: a copy. */
    synchronized Map<InetAddress, PeerKey> bindings() {
        return new HashMap<>(owners);
    }

    /** The address now belongs to another host: the old owner's keys no longer count for it. */
    synchronized void unbind(InetAddress address, PeerKey owner) {
        owners.remove(address, owner);
    }

    /**
     * The current, a replaced or a retired key {@code keyId} held with {@code owner}; a hit binds
     * {@code address} to the owner (see {@link PeerSession#byId}).
     */
    synchronized Optional<SessionKey> keyOf(PeerKey owner, InetAddress address, int keyId, Instant now,
            Instant graceUntil) {
        PeerSession s = sessions.get(owner);
        Optional<SessionKey> k = s == null ? Optional.empty() : s.byId(keyId, now, graceUntil);
        k.ifPresent(x -> owners.put(address, owner));
        return k;
    }

    /** Wipes retired keys past their grace period, of quiet peers too. */
    synchronized void prune(Instant now) {
        sessions.values().forEach(s -> s.prune(now));
    }

    /** Wipes and removes every key held with {@code peer} and its addresses; false if there were none. */
    synchronized boolean drop(PeerKey peer, InetAddress address) {
        owners.remove(address, peer);
        PeerSession s = sessions.remove(peer);
        if (s == null) {
            return false;
        }
        s.wipeAll();
        owners.values().removeIf(peer::equals);
        return true;
    }

    /** Peers with which a session key is held now. */
    synchronized int withKeys() {
        return (int) sessions.values().stream().filter(s -> s.current != null).count();
    }

    /** Peers known at all, with or without a key. */
    synchronized int size() {
        return sessions.size();
    }

    /** Every peer with a session entry, its addresses, key age, rekeys and last error. */
    synchronized java.util.List<PeerStatus> statuses(Instant now, java.util.function.Function<InetAddress, java.time.Duration> sinceVouched) {
        java.util.List<PeerStatus> out = new java.util.ArrayList<>();
        sessions.forEach((peer, s) -> {
            java.util.List<InetAddress> addresses = owners.entrySet().stream()
                    .filter(e -> e.getValue().equals(peer)).map(Map.Entry::getKey).toList();
            Instant born = s.offeredBorn();
            long vouched = addresses.stream().mapToLong(a -> sinceVouched.apply(a).toSeconds()).min().orElse(-1);
            out.add(new PeerStatus(peer, "", addresses, born == null ? -1 : java.time.Duration.between(born, now).toSeconds(),
                    Math.max(0, s.installs - 1), vouched, s.lastError));
        });
        return out;
    }

    /** Wipes every key (closing). */
    synchronized void wipeAll() {
        sessions.values().forEach(PeerSession::wipeAll);
        sessions.clear();
        owners.clear();
    }
}
