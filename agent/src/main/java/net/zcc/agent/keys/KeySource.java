package net.zcc.agent.keys;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the agent gets pairwise session keys (PROTOCOL.md 4): the manual key file, or the key
 * server's relayed Noise handshakes. Implementations are thread-safe; lookups are done once per
 * connection, never per packet.
 *
 * <p>The packet threads call only {@link #currentAsync} and {@link #byId}, which never block:
 * a SYN whose key is not ready is held in the kernel until the future completes
 * ({@code path.DataPlane}).
 */
public interface KeySource {

    /**
     * The key the initiator offers to {@code peer} in its SYN; may block while a key is being
     * fetched, for a bounded time.
     *
     * @return empty if this agent has no key for that peer (the connection cannot be protected)
     */
    Optional<SessionKey> current(InetAddress peer);

    /**
     * {@link #current} without blocking: a completed future when the answer is known now,
     * otherwise one that completes (on another thread) with the key, or with empty after the
     * source's bounded wait. Never completes exceptionally.
     */
    default CompletableFuture<Optional<SessionKey>> currentAsync(InetAddress peer) {
        return CompletableFuture.completedFuture(current(peer));
    }

    /**
     * Gets keys ready for these peers ahead of their first connection, in the background, so
     * that connections to them need not wait (the service file names every peer). Never blocks;
     * a source that needs no preparation ignores it.
     */
    default void prepare(java.util.Collection<InetAddress> peers) {
    }

    /**
     * The key named by an OFFER's key id from {@code peer} (responder side). Never blocks.
     *
     * @return empty if no key for that peer has this id (or it is not known yet which host
     *     owns {@code peer}; {@link #byIdAsync} finds out)
     */
    Optional<SessionKey> byId(InetAddress peer, int keyId);

    /**
     * {@link #byId} without blocking, for a source that must first learn which host owns
     * {@code peer}: a completed future when the answer is known now, otherwise one that completes
     * on another thread. Never completes exceptionally.
     */
    default CompletableFuture<Optional<SessionKey>> byIdAsync(InetAddress peer, int keyId) {
        return CompletableFuture.completedFuture(byId(peer, keyId));
    }

    /**
     * How long ago the key server last vouched for {@code peer} (answered a lookup or a
     * revalidation with the key we hold for it). Under policy require a connection to a peer not
     * vouched for within the staleness bound is refused: a revoked host must not stay trusted
     * for as long as the key server is out of reach (PROTOCOL.md 4). Sources that do not depend
     * on a key server (the manual key file) answer zero.
     */
    default java.time.Duration sinceVouched(InetAddress peer) {
        return java.time.Duration.ZERO;
    }

    /** The peers this source holds keys for, for the management side; never key material. */
    default java.util.List<PeerStatus> peers() {
        return java.util.List.of();
    }

    /** Peers whose keys were dropped because the key server stopped vouching for them, since start. */
    default long revokedPeers() {
        return 0;
    }
}
