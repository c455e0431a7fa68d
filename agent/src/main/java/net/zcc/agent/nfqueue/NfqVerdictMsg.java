package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

/**
 * NFQNL_MSG_VERDICT and NFQNL_MSG_VERDICT_BATCH (user to kernel). No ACK is asked for: errors
 * still come back as NLMSG_ERROR in the packet stream and the receive side counts them.
 *
 * <pre>
 *  0          16        20                         32
 *  +----------+---------+--------------------------+-------------+----------------+
 *  | nlmsghdr | nfgenmsg| NFQA_VERDICT_HDR         | [NFQA_MARK] | [NFQA_PAYLOAD] |
 *  +----------+---------+--------------------------+-------------+----------------+
 *  nlmsghdr: type 0x0301 (VERDICT) or 0x0303 (VERDICT_BATCH), flags REQUEST
 *  nfgenmsg: AF_UNSPEC, v0, res_id = queue (be16)
 *  NFQA_VERDICT_HDR (2), nla_len 12: be32 verdict | be32 packet_id
 *  NFQA_MARK (3), nla_len 8: be32 mark                   (VERDICT only, optional)
 *  NFQA_PAYLOAD (10): the replacement packet             (VERDICT only, optional)
 * </pre>
 *
 * VERDICT_BATCH settles every packet of the queue whose id is at or before packet_id.
 */
final class NfqVerdictMsg {
    static final int HDR_SIZE = 8;
    static final int OFF_HDR_VERDICT = 0;
    static final int OFF_HDR_ID = 4;

    private static final int HEADERS = NlMsgHdr.SIZE + NfGenMsg.SIZE;

    private NfqVerdictMsg() {
    }

    /** Bytes a VERDICT takes, padding included, for a replacement of {@code payloadLen} (or -1). */
    static int size(boolean withMark, int payloadLen) {
        int n = HEADERS + NlAttr.totalSize(HDR_SIZE);
        if (withMark) {
            n += NlAttr.totalSize(4);
        }
        if (payloadLen >= 0) {
            n += NlAttr.totalSize(payloadLen);
        }
        return n;
    }

    /**
     * Writes one VERDICT; {@code payload} (its remaining bytes) replaces the packet when not null.
     * Returns the padded length, so the next message can follow directly.
     */
    static int writeVerdict(ByteBuffer b, int off, int seq, int queue, int verdict, int id,
                            boolean withMark, int mark, ByteBuffer payload) {
        int end = putVerdictHdr(b, off + HEADERS, verdict, id);
        if (withMark) {
            end = NlAttr.putBeInt(b, end, NfqProto.NFQA_MARK, mark);
        }
        if (payload != null) {
            end = NlAttr.putBytes(b, end, NfqProto.NFQA_PAYLOAD, payload);
        }
        return finish(b, off, end, seq, queue, NfqProto.MSG_VERDICT);
    }

    /** Writes one VERDICT_BATCH covering every queued id up to and including {@code id}. */
    static int writeBatch(ByteBuffer b, int off, int seq, int queue, int verdict, int id) {
        int end = putVerdictHdr(b, off + HEADERS, verdict, id);
        return finish(b, off, end, seq, queue, NfqProto.MSG_VERDICT_BATCH);
    }

    private static int putVerdictHdr(ByteBuffer b, int a, int verdict, int id) {
        int next = NlAttr.putHeader(b, a, NfqProto.NFQA_VERDICT_HDR, HDR_SIZE);
        Wire.putBeInt(b, a + NlAttr.HDR + OFF_HDR_VERDICT, verdict);
        Wire.putBeInt(b, a + NlAttr.HDR + OFF_HDR_ID, id);
        return next;
    }

    private static int finish(ByteBuffer b, int off, int end, int seq, int queue, int msg) {
        int len = end - off;
        NlMsgHdr.put(b, off, len, NfqProto.type(msg), NlMsgHdr.F_REQUEST, seq);
        NfGenMsg.put(b, off + NlMsgHdr.SIZE, NfqProto.AF_UNSPEC, queue);
        return len;
    }
}
