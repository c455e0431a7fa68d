package net.zcc.agent.keys;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Where the agent gets pairwise session keys (PROTOCOL.md 4): the manual key file now, the key
 * server later. Implementations are thread-safe; lookups are done once per connection, never
 * per packet. A source that has to fetch a key (the relayed Noise handshake) waits a bounded time
 * for it and then answers empty; it must not be called on a packet thread until the data plane
 * can hold a SYN without blocking its queue (not done yet).
 */
public interface KeySource {

    /**
     * The key the initiator offers to {@code peer} in its SYN.
     *
     * @return empty if this agent has no key for that peer (the connection cannot be protected)
     */
    Optional<SessionKey> current(InetAddress peer);

    /**
     * The key named by an OFFER's key id from {@code peer} (responder side).
     *
     * @return empty if no key for that peer has this id
     */
    Optional<SessionKey> byId(InetAddress peer, int keyId);
}
