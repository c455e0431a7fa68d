package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real decode and verdict-writing code of NetlinkPacketQueue, on bytes, without a socket. */
class DatagramCodecTest {
    private static final int BASE = 64;

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are little-endian");
    }

    private static NetlinkVector vector(String name) {
        return NetlinkVector.all().stream().filter(v -> v.name().equals(name + ".txt")).findFirst().orElseThrow();
    }

    /** Concatenates vectors as one datagram (each padded to 4) at BASE. */
    private static int datagram(ByteBuffer area, String... names) {
        int off = BASE;
        for (String n : names) {
            byte[] m = vector(n).bytes();
            area.put(off, m);
            off += Wire.align4(m.length);
        }
        return off - BASE;
    }

    @Test
    void packetErrorAndDoneInOneDatagram() {
        ByteBuffer area = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        int n = datagram(area, "packet-full", "error-enoent", "done", "error-ack", "packet-cut");
        DatagramDecoder d = new DatagramDecoder(1, area.duplicate());
        PacketBatch batch = new PacketBatch(4);
        d.decode(BASE, n, 4096 - BASE, area.duplicate(), batch);
        assertEquals(2, batch.size());
        assertEquals(7, batch.get(0).packetId());
        assertEquals(0xfffffffe, batch.get(1).packetId());
        assertEquals(1, batch.errorMessageCount(), "the ACK (error 0) is not an error");
        assertEquals(0, batch.malformedCount());
        assertTrue(d.batchVerdictsAllowed());
    }

    @Test
    void malformedWithIdIsKeptAsDropAndBatchStaysOn() {
        ByteBuffer area = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        int n = datagram(area, "malformed-attr-header-cut");
        DatagramDecoder d = new DatagramDecoder(1, area.duplicate());
        PacketBatch batch = new PacketBatch(4);
        d.decode(BASE, n, 4096, area.duplicate(), batch);
        assertEquals(1, batch.size());
        assertTrue(batch.get(0).isMalformed());
        assertEquals(QueuedPacket.Verdict.DROP, batch.get(0).verdict());
        assertEquals(1, batch.malformedCount());
        assertTrue(d.batchVerdictsAllowed());
    }

    @Test
    void packetWithoutReadableIdTurnsBatchVerdictsOff() {
        for (String name : List.of("malformed-attr-too-short", "malformed-missing-packet-hdr", "malformed-nlmsg-len-beyond-buffer")) {
            ByteBuffer area = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
            int n = datagram(area, name);
            DatagramDecoder d = new DatagramDecoder(1, area.duplicate());
            PacketBatch batch = new PacketBatch(4);
            d.decode(BASE, n, 4096, area.duplicate(), batch);
            assertEquals(0, batch.size(), name);
            assertEquals(1, batch.malformedCount(), name);
            assertFalse(d.batchVerdictsAllowed(), name);
        }
    }

    @Test
    void cutDatagramIsCountedNotParsed() {
        ByteBuffer area = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
        datagram(area, "packet-full");
        DatagramDecoder d = new DatagramDecoder(1, area.duplicate());
        PacketBatch batch = new PacketBatch(4);
        d.decode(BASE, 70_000, 4000, area.duplicate(), batch);
        assertEquals(0, batch.size());
        assertEquals(1, batch.malformedCount());
    }

    @Test
    void verdictWriterPacksDropsThenOneBatchAccept() throws Exception {
        PacketBatch batch = new PacketBatch(8);
        int[] ids = {10, 11, 12, 13};
        for (int id : ids) {
            QueuedPacket p = batch.append();
            p.setHeader(id, 0x0800, 0);
            p.setPayload(ByteBuffer.allocate(20), 0, 20);
            if (id == 11) {
                p.drop();
            } else {
                p.accept();
            }
        }
        ByteBuffer area = ByteBuffer.allocateDirect(1024).order(ByteOrder.nativeOrder());
        List<Integer> sends = new ArrayList<>();
        new VerdictWriter(1, area, sends::add).write(batch, true);
        assertEquals(List.of(32 + 32), sends, "one datagram: one VERDICT and one VERDICT_BATCH");
        assertEquals(NfqProto.type(NfqProto.MSG_VERDICT), NlMsgHdr.type(area, 0));
        assertEquals(11, Wire.beInt(area, 20 + 4 + NfqVerdictMsg.OFF_HDR_ID));
        assertEquals(NfqProto.NF_DROP, Wire.beInt(area, 20 + 4 + NfqVerdictMsg.OFF_HDR_VERDICT));
        assertEquals(NfqProto.type(NfqProto.MSG_VERDICT_BATCH), NlMsgHdr.type(area, 32));
        assertEquals(13, Wire.beInt(area, 32 + 20 + 4 + NfqVerdictMsg.OFF_HDR_ID));

        sends.clear();
        new VerdictWriter(1, area, sends::add).write(batch, false);
        assertEquals(List.of(4 * 32), sends, "batch verdicts off: one VERDICT per packet");
    }

    @Test
    void batchAcceptIdFollowsWraparound() throws Exception {
        PacketBatch batch = new PacketBatch(4);
        for (int id : new int[] {0xfffffffe, 0xffffffff, 0, 1}) {
            QueuedPacket p = batch.append();
            p.setHeader(id, 0x0800, 0);
            p.accept();
        }
        ByteBuffer area = ByteBuffer.allocateDirect(256).order(ByteOrder.nativeOrder());
        new VerdictWriter(0, area, len -> { }).write(batch, true);
        assertEquals(1, Wire.beInt(area, 20 + 4 + NfqVerdictMsg.OFF_HDR_ID));
    }

    @Test
    void fullSendBufferIsFlushedBeforeTheNextMessage() throws Exception {
        PacketBatch batch = new PacketBatch(4);
        for (int id = 1; id <= 4; id++) {
            QueuedPacket p = batch.append();
            p.setHeader(id, 0x0800, 0);
            p.drop();
        }
        ByteBuffer area = ByteBuffer.allocateDirect(70).order(ByteOrder.nativeOrder());
        List<Integer> sends = new ArrayList<>();
        new VerdictWriter(0, area, sends::add).write(batch, true);
        assertEquals(List.of(64, 64), sends);
    }
}
