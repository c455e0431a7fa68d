package net.zcc.agent.nfqueue;

/**
 * A netlink message from the kernel failed a bounds or length check. Kernel bytes are input
 * like any other: the receive loop counts and drops such a message instead of failing.
 * No stack trace is captured because the reason and offset say everything.
 */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong; one value per check so tests and counters can tell them apart. */
    public enum Reason {
        /** Fewer bytes than a fixed-size header needs. */
        TRUNCATED_HEADER,
        /** nlmsg_len is smaller than the header or runs past the received bytes. */
        BAD_MESSAGE_LENGTH,
        /** Fewer than 4 bytes left where an attribute header should start. */
        ATTRIBUTE_TRUNCATED,
        /** nla_len is smaller than the 4-byte attribute header. */
        ATTRIBUTE_TOO_SHORT,
        /** nla_len runs past the end of the message. */
        ATTRIBUTE_BEYOND_MESSAGE,
        /** A known attribute is shorter than its fixed payload. */
        ATTRIBUTE_PAYLOAD_SHORT,
        /** A packet message without NFQA_PACKET_HDR. */
        MISSING_PACKET_HEADER,
        /** The message type is not the one this parser reads. */
        WRONG_TYPE,
        /** The datagram was longer than the receive buffer (MSG_TRUNC). */
        DATAGRAM_TRUNCATED
    }

    private final Reason reason;
    private final int offset;

    public MalformedMessageException(Reason reason, int offset) {
        super(reason + " at offset " + offset, null, false, false);
        this.reason = reason;
        this.offset = offset;
    }

    public Reason reason() {
        return reason;
    }

    /** Offset in the buffer where the check failed. */
    public int offset() {
        return offset;
    }
}
