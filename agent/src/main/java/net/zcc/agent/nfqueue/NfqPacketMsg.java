package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

import net.zcc.agent.nfqueue.MalformedMessageException.Reason;

/**
 * NFQNL_MSG_PACKET (kernel to user): one queued packet.
 *
 * <pre>
 *  0          16        20
 *  +----------+---------+----------------------------------------------+
 *  | nlmsghdr | nfgenmsg| attributes, in any order                     |
 *  +----------+---------+----------------------------------------------+
 *  nlmsghdr: type 0x0300;  nfgenmsg: res_id = queue number (be16)
 *
 *  NFQA_PACKET_HDR (1), nla_len 11: be32 packet_id | be16 hw_protocol | u8 hook
 *  NFQA_MARK (3), nla_len 8:        be32 mark
 *  NFQA_PAYLOAD (10):               the packet from the network header on (often unpadded)
 *  NFQA_CAP_LEN (13), nla_len 8:    be32 length before copy_range cut it
 *  every other attribute (interfaces, timestamps, hwaddr, skb info ...) is skipped.
 * </pre>
 */
final class NfqPacketMsg {
    static final int PACKET_HDR_SIZE = 7;
    static final int OFF_PHDR_ID = 0;
    static final int OFF_PHDR_HW_PROTOCOL = 4;
    static final int OFF_PHDR_HOOK = 6;

    private NfqPacketMsg() {
    }

    /** The queue number (nfgenmsg res_id) of a message already checked by {@link #parse}. */
    static int queue(ByteBuffer b, int off) {
        return NfGenMsg.resId(b, off + NlMsgHdr.SIZE);
    }

    /**
     * Parses the message at [off, off + len) of {@code b} into {@code into}. The payload becomes
     * {@code view} (a duplicate of {@code b}, same indexes) with its position and limit set, so
     * {@code b} itself is never changed. On failure {@code into.hasId()} tells whether the packet id was read
     * before the fault, so the caller can still drop that packet by id.
     */
    static void parse(ByteBuffer b, int off, int len, QueuedPacket into, ByteBuffer view)
            throws MalformedMessageException {
        int end = off + len;
        NlMsgHdr.checkedLength(b, off, end);
        if (NlMsgHdr.type(b, off) != NfqProto.type(NfqProto.MSG_PACKET)) {
            throw new MalformedMessageException(Reason.WRONG_TYPE, off);
        }
        NfGenMsg.check(off + NlMsgHdr.SIZE, end);
        int payloadFrom = -1;
        int payloadTo = -1;
        for (int a = off + NlMsgHdr.SIZE + NfGenMsg.SIZE; NlAttr.hasNext(a, end); ) {
            int alen = NlAttr.checkedLength(b, a, end);
            int type = NlAttr.type(b, a);
            if (type == NfqProto.NFQA_PAYLOAD) {
                payloadFrom = a + NlAttr.HDR;
                payloadTo = a + alen;
            } else {
                readScalar(b, a, alen, type, into);
            }
            a = NlAttr.next(a, alen);
        }
        if (!into.hasId()) {
            throw new MalformedMessageException(Reason.MISSING_PACKET_HEADER, off);
        }
        if (payloadFrom >= 0) {
            into.setPayload(view, payloadFrom, payloadTo);
        } else {
            into.setPayload(view, 0, 0);
        }
    }

    private static void readScalar(ByteBuffer b, int a, int alen, int type, QueuedPacket into)
            throws MalformedMessageException {
        int p = a + NlAttr.HDR;
        switch (type) {
            case NfqProto.NFQA_PACKET_HDR:
                NlAttr.requirePayload(a, alen, PACKET_HDR_SIZE);
                into.setHeader(Wire.beInt(b, p + OFF_PHDR_ID), Wire.beU16(b, p + OFF_PHDR_HW_PROTOCOL),
                        b.get(p + OFF_PHDR_HOOK) & 0xff);
                break;
            case NfqProto.NFQA_MARK:
                NlAttr.requirePayload(a, alen, 4);
                into.setMarkFromKernel(Wire.beInt(b, p));
                break;
            case NfqProto.NFQA_CAP_LEN:
                NlAttr.requirePayload(a, alen, 4);
                into.setOriginalLength(Wire.beInt(b, p));
                break;
            default:
                break; // unknown or uninteresting: skipped on purpose
        }
    }
}
