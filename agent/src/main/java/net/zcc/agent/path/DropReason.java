package net.zcc.agent.path;

/**
 * Why the agent dropped a packet. Every drop has exactly one reason and each reason has its own
 * counter ({@link PathCounters}), so "why does this connection stall?" is answered by numbers.
 */
public enum DropReason {
    /** The kernel's bytes did not parse as IPv4/IPv6 + TCP. */
    MALFORMED,
    /** An IP fragment or an IPv6 packet with extension headers: ZCC never sees those on a protected flow. */
    UNSUPPORTED_PACKET,
    /** The segment's options leave no room for the ZCC option, even without SACK blocks. */
    OPTION_SPACE,
    /** A segment of a protected connection arrived without the ZCC DATA option. */
    MISSING_OPTION,
    /** A ZCC option with a wrong length, version or type for where it appeared. */
    BAD_OPTION,
    /** The segment's tag did not verify: forged, altered or replayed into another connection. */
    BAD_MAC,
    /** The SYN-ACK's handshake tag did not verify: the responder does not hold our session key. */
    BAD_HANDSHAKE_TAG,
    /** A compressed payload did not decompress to its stated length. */
    BAD_COMPRESSION,
    /** A segment of a protected flow that no connection of this agent knows (e.g. after a restart). */
    UNKNOWN_CONNECTION,
    /** A SYN waiting for its key found the hold full ({@link DataPlane#MAX_HELD}); TCP retransmits it. */
    HOLD_FULL,
    /** No pairwise key for the peer of a protected service (policy require). */
    NO_KEY,
    /** The peer's OFFER named a key id this agent does not hold. */
    UNKNOWN_KEY_ID,
    /** The peer's OFFER named a cipher suite other than the service's. */
    SUITE_MISMATCH,
    /** A SYN without OFFER to a protected service under policy require. */
    NO_OFFER,
    /** A SYN carrying data (TCP Fast Open) on a protected service: not supported. */
    SYN_WITH_DATA,
    /** An OFFER whose nonce was already used under the same session key: a replayed SYN. */
    REPLAYED_OFFER,
    /**
     * A SYN on the 4-tuple of a live protected connection that is not a retransmission of its
     * own SYN: a SYN never replaces a live connection (PROTOCOL.md 8).
     */
    SYN_ON_LIVE_CONNECTION,
    /** A SYN-ACK or RST in SYN_SENT that does not acknowledge our SYN: no answer to it (forged or stale). */
    UNACCEPTABLE_ACK,
    /** A segment of a connection refused under policy require: nothing passes in either direction. */
    REFUSED_CONNECTION,
    /**
     * Policy require, and the key server has not vouched for the peer within the staleness
     * bound (it may have been revoked meanwhile): new connections are refused.
     */
    STALE_PEER,
    /** The packet processor failed on this packet (a bug): dropped, never passed unprotected. */
    INTERNAL_ERROR
}
