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
    /** The packet processor failed on this packet (a bug): dropped, never passed unprotected. */
    INTERNAL_ERROR
}
