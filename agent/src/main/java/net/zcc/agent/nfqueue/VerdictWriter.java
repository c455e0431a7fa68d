package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Turns the verdicts of a batch into netlink messages packed into as few datagrams as fit:
 * first one VERDICT per packet that is dropped, replaced or re-marked, then one VERDICT_BATCH
 * accept with the highest id among the plain accepts. The batch message must come last: it
 * settles every earlier id of the queue, the dropped ones included.
 */
final class VerdictWriter {
    /** Receives each full datagram: bytes [0, len) of the area. */
    @FunctionalInterface
    interface Sink {
        void send(int len) throws IOException;
    }

    private final int queue;
    private final ByteBuffer area;
    private final Sink sink;
    private int seq;

    VerdictWriter(int queue, ByteBuffer area, Sink sink) {
        this.queue = queue;
        this.area = area;
        this.sink = sink;
    }

    /** Writes and sends the verdicts; {@code useBatch} false gives every packet its own VERDICT. */
    void write(PacketBatch batch, boolean useBatch) throws IOException {
        int pos = 0;
        boolean anyAccept = false;
        int maxAccept = 0;
        for (int i = 0; i < batch.size(); i++) {
            QueuedPacket p = batch.get(i);
            if (p.isHeld()) {
                continue; // settled later by writeHeld, from another thread
            }
            if (p.needsOwnVerdict() || !useBatch) {
                pos = writeOwn(p, pos);
            } else if (!anyAccept || NfqProto.idAfter(p.packetId(), maxAccept)) {
                anyAccept = true;
                maxAccept = p.packetId();
            }
        }
        if (anyAccept) {
            pos = room(pos, NfqVerdictMsg.size(false, -1));
            pos += NfqVerdictMsg.writeBatch(area, pos, ++seq, queue, NfqProto.NF_ACCEPT, maxAccept);
        }
        if (pos > 0) {
            sink.send(pos);
        }
    }

    /** Writes and sends the VERDICT of one held packet's copy. */
    void writeHeld(QueuedPacket heldCopy) throws IOException {
        int pos = writeOwn(heldCopy, 0);
        sink.send(pos);
    }

    private int writeOwn(QueuedPacket p, int pos) throws IOException {
        boolean accept = p.verdict() == QueuedPacket.Verdict.ACCEPT;
        ByteBuffer r = accept ? p.replacement() : null;
        pos = room(pos, NfqVerdictMsg.size(p.newMarkSet(), r == null ? -1 : r.remaining()));
        int verdict = accept ? NfqProto.NF_ACCEPT : NfqProto.NF_DROP;
        return pos + NfqVerdictMsg.writeVerdict(area, pos, ++seq, queue, verdict, p.packetId(),
                p.newMarkSet(), p.newMark(), r);
    }

    /** Sends what is written if {@code need} more bytes do not fit; returns the write offset. */
    private int room(int pos, int need) throws IOException {
        if (need > area.capacity()) {
            throw new IOException("verdict of " + need + " bytes exceeds the send buffer");
        }
        if (pos + need <= area.capacity()) {
            return pos;
        }
        sink.send(pos);
        return 0;
    }
}
