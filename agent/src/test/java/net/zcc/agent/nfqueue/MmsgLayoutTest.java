package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The recvmmsg vector on bytes: what we write for the kernel, and what we read back. */
class MmsgLayoutTest {
    private static final long VEC = 0x7f00_0000_1000L;

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "checked bytes are little-endian");
    }

    private static ByteBuffer filled(long[] buffers, int[] lengths) {
        ByteBuffer vec = ByteBuffer.allocate(MmsgLayout.size(buffers.length)).order(ByteOrder.nativeOrder());
        for (int i = 0; i < vec.capacity(); i++) {
            vec.put(i, (byte) 0xa5); // garbage: fill must write every field it relies on
        }
        MmsgLayout.fill(vec, VEC, buffers, lengths);
        return vec;
    }

    @Test
    void sizesAreThoseOfLp64Linux() {
        assertEquals(64, MmsgLayout.MMSGHDR_SIZE, "struct msghdr 56 + msg_len 4 + pad 4");
        assertEquals(16, MmsgLayout.IOVEC_SIZE);
        assertEquals(3 * 80, MmsgLayout.size(3));
    }

    @Test
    void eachHeaderPointsAtItsOwnIovecAndEachIovecAtItsBuffer() {
        long[] buffers = {0x7f00_0010_0000L, 0x7f00_0010_8000L, 0x7f00_0011_0000L};
        int[] lengths = {0x8000, 0x8000, 66560};
        ByteBuffer vec = filled(buffers, lengths);
        int iovArray = 3 * 64;
        for (int i = 0; i < 3; i++) {
            int h = i * 64;
            assertEquals(0L, vec.getLong(h), "msg_name");
            assertEquals(0L, vec.getLong(h + 8), "msg_namelen + pad");
            assertEquals(VEC + iovArray + 16L * i, vec.getLong(h + 16), "msg_iov");
            assertEquals(1L, vec.getLong(h + 24), "msg_iovlen");
            assertEquals(0L, vec.getLong(h + 32), "msg_control");
            assertEquals(0L, vec.getLong(h + 40), "msg_controllen");
            assertEquals(0, vec.getInt(h + 48), "msg_flags");
            assertEquals(0, vec.getInt(h + 56), "msg_len");
            int iov = iovArray + 16 * i;
            assertEquals(buffers[i], vec.getLong(iov), "iov_base");
            assertEquals(lengths[i], vec.getLong(iov + 8), "iov_len");
        }
        // spot check of raw bytes: little-endian iov_len of message 2 = 0x00010400
        assertEquals((byte) 0x00, vec.get(iovArray + 32 + 8));
        assertEquals((byte) 0x04, vec.get(iovArray + 32 + 9));
        assertEquals((byte) 0x01, vec.get(iovArray + 32 + 10));
    }

    @Test
    void fillRejectsAShortVector() {
        ByteBuffer small = ByteBuffer.allocate(MmsgLayout.size(2) - 1).order(ByteOrder.nativeOrder());
        assertThrows(IllegalArgumentException.class,
                () -> MmsgLayout.fill(small, VEC, new long[] {1, 2}, new int[] {8, 8}));
    }

    /** What the kernel writes back: msg_len (full length with MSG_TRUNC) and msg_flags. */
    private static void kernelWrites(ByteBuffer vec, int i, int len, int flags) {
        vec.putInt(i * 64 + 56, len);
        vec.putInt(i * 64 + 48, flags);
    }

    @Test
    void receivedLengthsAndTruncation() {
        ByteBuffer vec = filled(new long[] {1, 2, 3, 4}, new int[] {100, 100, 100, 100});
        kernelWrites(vec, 0, 80, 0);
        kernelWrites(vec, 1, 150, MmsgLayout.MSG_TRUNC); // full length reported (MSG_TRUNC asked)
        kernelWrites(vec, 2, 100, MmsgLayout.MSG_TRUNC); // flag only: still a cut
        kernelWrites(vec, 3, -1, MmsgLayout.MSG_TRUNC | 0x40); // 4 GiB - 1, unsigned
        assertEquals(80, MmsgLayout.received(vec, 0, 100));
        assertEquals(150, MmsgLayout.received(vec, 1, 100));
        assertEquals(101, MmsgLayout.received(vec, 2, 100));
        assertEquals(Integer.MAX_VALUE, MmsgLayout.received(vec, 3, 100));
    }

    /** A vector as recvmmsg leaves it, decoded slot by slot as NetlinkPacketQueue does. */
    @Test
    void decodesEachSlotWithItsOwnLengthAndCutFlag() {
        int slot = 1024;
        ByteBuffer area = ByteBuffer.allocateDirect(3 * slot).order(ByteOrder.nativeOrder());
        byte[] packet = NetlinkVector.all().stream().filter(v -> v.name().equals("packet-full.txt"))
                .findFirst().orElseThrow().bytes();
        area.put(0, packet);
        area.put(slot, packet);
        area.put(2 * slot, packet);
        ByteBuffer vec = filled(new long[] {1, 2, 3}, new int[] {slot, slot, slot});
        kernelWrites(vec, 0, packet.length, 0);
        kernelWrites(vec, 1, packet.length, 0);
        kernelWrites(vec, 2, slot + 500, MmsgLayout.MSG_TRUNC);

        DatagramDecoder d = new DatagramDecoder(1, area.duplicate());
        PacketBatch batch = new PacketBatch(4);
        for (int i = 0; i < 3; i++) {
            d.decode(i * slot, MmsgLayout.received(vec, i, slot), slot, area.duplicate(), batch);
        }
        assertEquals(2, batch.size());
        assertEquals(7, batch.get(0).packetId());
        assertEquals(7, batch.get(1).packetId());
        assertEquals(1, batch.malformedCount(), "the cut datagram");
        assertFalse(d.batchVerdictsAllowed(), "a cut datagram may hide an id: batch verdicts off");
    }
}
