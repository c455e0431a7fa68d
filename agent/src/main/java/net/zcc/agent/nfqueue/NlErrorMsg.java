package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

import net.zcc.agent.nfqueue.MalformedMessageException.Reason;

/**
 * NLMSG_ERROR (type 2): an acknowledgement (error 0) or a failure (-errno). The kernel sends
 * one for a failed request even when no ACK was asked for, so these arrive in the packet
 * stream too.
 *
 * <pre>
 *  0          16          20                     36
 *  +----------+-----------+----------------------+---------------------------+
 *  | nlmsghdr | s32 error | nlmsghdr of request  | request payload / ext-ack |
 *  +----------+-----------+----------------------+---------------------------+
 *  error is host order. The request header is present on every kernel we know; it is
 *  still checked before it is read.
 * </pre>
 */
final class NlErrorMsg {
    static final int OFF_ERROR = NlMsgHdr.SIZE;
    static final int OFF_REQUEST = OFF_ERROR + 4;

    private NlErrorMsg() {
    }

    /** The error field: 0 for an ACK, otherwise a negative errno. */
    static int error(ByteBuffer b, int off, int len) throws MalformedMessageException {
        checkType(b, off);
        Wire.require(off + OFF_ERROR, 4, off + len, Reason.TRUNCATED_HEADER);
        return Wire.hostInt(b, off + OFF_ERROR);
    }

    /** nlmsg_seq of the request this message answers. */
    static int requestSeq(ByteBuffer b, int off, int len) throws MalformedMessageException {
        checkType(b, off);
        Wire.require(off + OFF_REQUEST, NlMsgHdr.SIZE, off + len, Reason.TRUNCATED_HEADER);
        return NlMsgHdr.seq(b, off + OFF_REQUEST);
    }

    /** nlmsg_type of the request this message answers. */
    static int requestType(ByteBuffer b, int off, int len) throws MalformedMessageException {
        checkType(b, off);
        Wire.require(off + OFF_REQUEST, NlMsgHdr.SIZE, off + len, Reason.TRUNCATED_HEADER);
        return NlMsgHdr.type(b, off + OFF_REQUEST);
    }

    private static void checkType(ByteBuffer b, int off) throws MalformedMessageException {
        if (NlMsgHdr.type(b, off) != NlMsgHdr.NLMSG_ERROR) {
            throw new MalformedMessageException(Reason.WRONG_TYPE, off);
        }
    }
}
