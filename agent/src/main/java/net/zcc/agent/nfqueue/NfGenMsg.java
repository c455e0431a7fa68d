package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

import net.zcc.agent.nfqueue.MalformedMessageException.Reason;

/**
 * struct nfgenmsg, the 4-byte header every nfnetlink message carries after its nlmsghdr.
 *
 * <pre>
 *  0        1        2                 4
 *  +--------+--------+-----------------+
 *  | family | version| res_id (be16)   |
 *  +--------+--------+-----------------+
 *  For NFQUEUE, res_id is the queue number, big-endian unlike the netlink headers around it.
 * </pre>
 */
final class NfGenMsg {
    static final int SIZE = 4;
    static final int OFF_FAMILY = 0;
    static final int OFF_VERSION = 1;
    static final int OFF_RES_ID = 2;
    static final int NFNETLINK_V0 = 0;

    private NfGenMsg() {
    }

    static void put(ByteBuffer b, int off, int family, int resId) {
        b.put(off + OFF_FAMILY, (byte) family);
        b.put(off + OFF_VERSION, (byte) NFNETLINK_V0);
        Wire.putBeU16(b, off + OFF_RES_ID, resId);
    }

    /** Checks the header fits before {@code end}. */
    static void check(int off, int end) throws MalformedMessageException {
        Wire.require(off, SIZE, end, Reason.TRUNCATED_HEADER);
    }

    static int family(ByteBuffer b, int off) {
        return b.get(off + OFF_FAMILY) & 0xff;
    }

    static int resId(ByteBuffer b, int off) {
        return Wire.beU16(b, off + OFF_RES_ID);
    }
}
