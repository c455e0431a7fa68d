package net.zcc.agent.nfqueue;

/**
 * Protocol constants of nfnetlink_queue (linux/netfilter/nfnetlink_queue.h and friends).
 * Tuning values live in {@link NetlinkPacketQueue.Config}, not here.
 */
final class NfqProto {
    static final int AF_NETLINK = 16;
    static final int NETLINK_NETFILTER = 12;
    static final int AF_UNSPEC = 0;

    static final int NFNL_SUBSYS_QUEUE = 3;
    static final int MSG_PACKET = 0;
    static final int MSG_VERDICT = 1;
    static final int MSG_CONFIG = 2;
    static final int MSG_VERDICT_BATCH = 3;

    /** Packet and verdict attributes (enum nfqnl_attr_type). */
    static final int NFQA_PACKET_HDR = 1;
    static final int NFQA_VERDICT_HDR = 2;
    static final int NFQA_MARK = 3;
    static final int NFQA_PAYLOAD = 10;
    static final int NFQA_CAP_LEN = 13;

    /** Config attributes (enum nfqnl_attr_config). */
    static final int NFQA_CFG_CMD = 1;
    static final int NFQA_CFG_PARAMS = 2;
    static final int NFQA_CFG_QUEUE_MAXLEN = 3;
    static final int NFQA_CFG_MASK = 4;
    static final int NFQA_CFG_FLAGS = 5;

    static final int CMD_BIND = 1;
    static final int CMD_UNBIND = 2;

    static final int COPY_NONE = 0;
    static final int COPY_META = 1;
    static final int COPY_PACKET = 2;

    /** Kernel limit on copy_range: 0xffff minus the attribute header. */
    static final int MAX_COPY_RANGE = 0xffff - NlAttr.HDR;

    static final int F_FAIL_OPEN = 0x01;
    static final int F_CONNTRACK = 0x02;
    static final int F_GSO = 0x04;

    static final int NF_DROP = 0;
    static final int NF_ACCEPT = 1;

    private NfqProto() {
    }

    /** The nlmsg_type of an NFQUEUE message: subsystem in the high byte. */
    static int type(int msg) {
        return (NFNL_SUBSYS_QUEUE << 8) | msg;
    }

    /** Packet ids are u32 and wrap; the kernel orders them the same way (nfq_id_after). */
    static boolean idAfter(int id, int other) {
        return id - other > 0;
    }
}
