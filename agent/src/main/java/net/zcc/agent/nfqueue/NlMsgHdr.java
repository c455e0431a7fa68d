package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

import net.zcc.agent.nfqueue.MalformedMessageException.Reason;

/**
 * struct nlmsghdr, host byte order, 16 bytes; the next message starts at the 4-aligned end.
 *
 * <pre>
 *  0               4       6       8               12              16
 *  +---------------+-------+-------+---------------+---------------+
 *  | nlmsg_len     | type  | flags | nlmsg_seq     | nlmsg_pid     |
 *  +---------------+-------+-------+---------------+---------------+
 *  nlmsg_len counts this header and the payload, not the trailing padding.
 * </pre>
 */
final class NlMsgHdr {
    static final int SIZE = 16;
    static final int OFF_LEN = 0;
    static final int OFF_TYPE = 4;
    static final int OFF_FLAGS = 6;
    static final int OFF_SEQ = 8;
    static final int OFF_PID = 12;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int F_REQUEST = 0x1;
    static final int F_MULTI = 0x2;
    static final int F_ACK = 0x4;

    private NlMsgHdr() {
    }

    /**
     * Checks the header at {@code off} fits before {@code end} and that nlmsg_len covers the
     * header and stays within {@code end}; returns nlmsg_len.
     */
    static int checkedLength(ByteBuffer b, int off, int end) throws MalformedMessageException {
        Wire.require(off, SIZE, end, Reason.TRUNCATED_HEADER);
        int len = Wire.hostInt(b, off + OFF_LEN);
        if (len < SIZE || len > end - off) {
            throw new MalformedMessageException(Reason.BAD_MESSAGE_LENGTH, off);
        }
        return len;
    }

    /** Offset of the message after the one at {@code off}. */
    static int next(int off, int len) {
        return off + Wire.align4(len);
    }

    /** Reads nlmsg_type; call after {@link #checkedLength}. */
    static int type(ByteBuffer b, int off) {
        return Wire.hostU16(b, off + OFF_TYPE);
    }

    static int flags(ByteBuffer b, int off) {
        return Wire.hostU16(b, off + OFF_FLAGS);
    }

    static int seq(ByteBuffer b, int off) {
        return Wire.hostInt(b, off + OFF_SEQ);
    }

    static int pid(ByteBuffer b, int off) {
        return Wire.hostInt(b, off + OFF_PID);
    }

    /** Writes a header with pid 0 (the kernel fills in the sender's port id). */
    static void put(ByteBuffer b, int off, int len, int type, int flags, int seq) {
        Wire.putHostInt(b, off + OFF_LEN, len);
        Wire.putHostU16(b, off + OFF_TYPE, type);
        Wire.putHostU16(b, off + OFF_FLAGS, flags);
        Wire.putHostInt(b, off + OFF_SEQ, seq);
        Wire.putHostInt(b, off + OFF_PID, 0);
    }

    /** Patches nlmsg_len once the attributes are written. */
    static void putLength(ByteBuffer b, int off, int len) {
        Wire.putHostInt(b, off + OFF_LEN, len);
    }
}
