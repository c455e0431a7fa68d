package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

/**
 * NFQNL_MSG_CONFIG requests (user to kernel). Each request carries one setting so that an
 * error acknowledgement names exactly what the kernel refused.
 *
 * <pre>
 *  0          16        20
 *  +----------+---------+------------------------------------------+
 *  | nlmsghdr | nfgenmsg| attribute(s)                             |
 *  +----------+---------+------------------------------------------+
 *  nlmsghdr: type 0x0302, flags REQUEST|ACK;  nfgenmsg: AF_UNSPEC, v0, res_id = queue (be16)
 *
 *  NFQA_CFG_CMD (1), nla_len 8:            u8 command | u8 pad | be16 pf
 *  NFQA_CFG_PARAMS (2), nla_len 9 (+3 pad): be32 copy_range | u8 copy_mode   (packed)
 *  NFQA_CFG_QUEUE_MAXLEN (3), nla_len 8:   be32 maxlen
 *  NFQA_CFG_MASK (4) then NFQA_CFG_FLAGS (5), nla_len 8 each: be32 (the kernel needs both)
 * </pre>
 */
final class NfqConfigMsg {
    static final int CMD_SIZE = 4;
    static final int OFF_CMD_COMMAND = 0;
    static final int OFF_CMD_PF = 2;
    static final int PARAMS_SIZE = 5;
    static final int OFF_PARAMS_RANGE = 0;
    static final int OFF_PARAMS_MODE = 4;

    private static final int HEADERS = NlMsgHdr.SIZE + NfGenMsg.SIZE;
    private static final int FLAGS = NlMsgHdr.F_REQUEST | NlMsgHdr.F_ACK;

    private NfqConfigMsg() {
    }

    /** NFQNL_CFG_CMD_BIND or _UNBIND with pf 0 (enough on current kernels). Returns the length. */
    static int writeCommand(ByteBuffer b, int off, int seq, int queue, int command) {
        int a = HEADERS + off;
        int end = NlAttr.putHeader(b, a, NfqProto.NFQA_CFG_CMD, CMD_SIZE);
        b.put(a + NlAttr.HDR + OFF_CMD_COMMAND, (byte) command);
        b.put(a + NlAttr.HDR + 1, (byte) 0);
        Wire.putBeU16(b, a + NlAttr.HDR + OFF_CMD_PF, NfqProto.AF_UNSPEC);
        return finish(b, off, end, seq, queue);
    }

    /** copy_range is big-endian; the kernel accepts host order silently, so order matters here. */
    static int writeParams(ByteBuffer b, int off, int seq, int queue, int copyRange, int copyMode) {
        int a = HEADERS + off;
        int end = NlAttr.putHeader(b, a, NfqProto.NFQA_CFG_PARAMS, PARAMS_SIZE);
        Wire.putBeInt(b, a + NlAttr.HDR + OFF_PARAMS_RANGE, copyRange);
        b.put(a + NlAttr.HDR + OFF_PARAMS_MODE, (byte) copyMode);
        return finish(b, off, end, seq, queue);
    }

    static int writeMaxLen(ByteBuffer b, int off, int seq, int queue, int maxLen) {
        int end = NlAttr.putBeInt(b, off + HEADERS, NfqProto.NFQA_CFG_QUEUE_MAXLEN, maxLen);
        return finish(b, off, end, seq, queue);
    }

    /** Sets the bits of {@code mask} to the values in {@code flags}; other flags stay as they are. */
    static int writeFlags(ByteBuffer b, int off, int seq, int queue, int flags, int mask) {
        int a = NlAttr.putBeInt(b, off + HEADERS, NfqProto.NFQA_CFG_MASK, mask);
        int end = NlAttr.putBeInt(b, a, NfqProto.NFQA_CFG_FLAGS, flags);
        return finish(b, off, end, seq, queue);
    }

    private static int finish(ByteBuffer b, int off, int end, int seq, int queue) {
        int len = end - off;
        NlMsgHdr.put(b, off, len, NfqProto.type(NfqProto.MSG_CONFIG), FLAGS, seq);
        NfGenMsg.put(b, off + NlMsgHdr.SIZE, NfqProto.AF_UNSPEC, queue);
        return len;
    }
}
