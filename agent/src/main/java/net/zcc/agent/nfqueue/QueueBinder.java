package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Binds a queue: one NFQNL_MSG_CONFIG per setting, each acknowledged before the next, so a
 * refusal names the setting. Order: bind, flags, queue length, then copy parameters last,
 * because packets only start to arrive once whole-packet copy is on.
 *
 * <p>A packet can still overtake the last acknowledgement. It is dropped at once by id: this
 * early in the life of the queue nobody is there to judge it, and TCP resends it.
 */
final class QueueBinder {
    private static final int BUFFER = 8 * 1024;
    private static final int MAX_WAIT_MESSAGES = 1000;

    private final int queue;
    private final NetlinkSocket socket;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    private final NetlinkSocket.Region region = NetlinkSocket.region(buf, 0, BUFFER);
    private final QueuedPacket scratch = new QueuedPacket();
    private int seq = 1_000_000; // apart from verdict sequence numbers, for readable traces
    private int earlyDrops;

    QueueBinder(int queue, NetlinkSocket socket) {
        this.queue = queue;
        this.socket = socket;
    }

    void bind(NetlinkPacketQueue.Config config) throws IOException {
        request("bind", NfqConfigMsg.writeCommand(buf, 0, ++seq, queue, NfqProto.CMD_BIND));
        int flags = config.gso() ? NfqProto.F_GSO : 0; // F_FAIL_OPEN stays off: fail closed
        int mask = NfqProto.F_FAIL_OPEN | NfqProto.F_GSO;
        request("flags", NfqConfigMsg.writeFlags(buf, 0, ++seq, queue, flags, mask));
        request("queue maxlen", NfqConfigMsg.writeMaxLen(buf, 0, ++seq, queue, config.maxLen()));
        request("copy params", NfqConfigMsg.writeParams(buf, 0, ++seq, queue, config.copyRange(),
                NfqProto.COPY_PACKET));
    }

    /** Packets dropped while waiting for the last acknowledgement. */
    int earlyDrops() {
        return earlyDrops;
    }

    private void request(String what, int len) throws IOException {
        int expected = seq;
        socket.send(region, len);
        for (int i = 0; i < MAX_WAIT_MESSAGES; i++) {
            int n = socket.receive(region, false);
            if (n < 0) {
                throw new IOException("nfqueue " + queue + " " + what + ": no acknowledgement");
            }
            if (n > BUFFER) {
                continue; // a cut packet message; its id is unreadable, the kernel drops it later
            }
            if (answered(what, expected, n)) {
                return;
            }
        }
        throw new IOException("nfqueue " + queue + " " + what + ": acknowledgement never came");
    }

    /** True once the message answering {@code expected} was seen; throws if it is an error. */
    private boolean answered(String what, int expected, int n) throws IOException {
        boolean done = false;
        try {
            for (int off = 0; off < n; ) {
                int len = NlMsgHdr.checkedLength(buf, off, n);
                int type = NlMsgHdr.type(buf, off);
                if (type == NlMsgHdr.NLMSG_ERROR && NlErrorMsg.requestSeq(buf, off, len) == expected) {
                    check(what, NlErrorMsg.error(buf, off, len));
                    done = true;
                } else if (type == NfqProto.type(NfqProto.MSG_PACKET)) {
                    dropEarly(off, len);
                }
                off = NlMsgHdr.next(off, len);
            }
        } catch (MalformedMessageException e) {
            throw new IOException("nfqueue " + queue + " " + what + ": malformed reply: " + e.getMessage(), e);
        }
        return done;
    }

    private void check(String what, int error) throws IOException {
        if (error != 0) {
            throw NetlinkSocket.failure("nfqueue " + queue + " " + what, -error);
        }
    }

    private void dropEarly(int off, int len) throws IOException, MalformedMessageException {
        scratch.reset();
        NfqPacketMsg.parse(buf, off, len, scratch, buf.duplicate());
        ByteBuffer out = ByteBuffer.allocateDirect(64);
        int n = NfqVerdictMsg.writeVerdict(out, 0, 0, queue, NfqProto.NF_DROP, scratch.packetId(), false, 0, null);
        socket.send(NetlinkSocket.region(out, 0, 64), n);
        earlyDrops++;
    }
}
