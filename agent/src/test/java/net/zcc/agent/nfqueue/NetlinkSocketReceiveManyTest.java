package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * recvmmsg through JNA against a real kernel, without root: an unprivileged NETLINK_ROUTE
 * socket asked for the loopback link (ifindex 1) answers one datagram per request.
 */
class NetlinkSocketReceiveManyTest {
    private static final int NETLINK_ROUTE = 0;
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_GETLINK = 18;
    private static final int IFINFOMSG_SIZE = 16;
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    private NetlinkSocket socket;
    private ByteBuffer sendArea;
    private NetlinkSocket.Region sendRegion;

    @BeforeEach
    void open() throws IOException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux netlink");
        socket = NetlinkSocket.open(NETLINK_ROUTE);
        socket.setReceiveTimeout(TIMEOUT);
        assumeTrue(socket.probeReceiveMany(), "recvmmsg available");
        sendArea = ByteBuffer.allocateDirect(256).order(ByteOrder.nativeOrder());
        sendRegion = NetlinkSocket.region(sendArea, 0, 256);
    }

    @AfterEach
    void close() {
        if (socket != null) {
            socket.close();
        }
    }

    /** RTM_GETLINK for ifindex 1, no dump: one RTM_NEWLINK datagram comes back. */
    private void askForLoopback(int seq) throws IOException {
        int len = NlMsgHdr.SIZE + IFINFOMSG_SIZE;
        for (int i = 0; i < len; i++) {
            sendArea.put(i, (byte) 0);
        }
        NlMsgHdr.put(sendArea, 0, len, RTM_GETLINK, NlMsgHdr.F_REQUEST, seq);
        sendArea.putInt(NlMsgHdr.SIZE + 4, 1); // ifinfomsg.ifi_index
        socket.send(sendRegion, len);
    }

    private static NetlinkSocket.Region[] slots(ByteBuffer area, int count, int size) {
        NetlinkSocket.Region[] r = new NetlinkSocket.Region[count];
        for (int i = 0; i < count; i++) {
            r[i] = NetlinkSocket.region(area, i * size, size);
        }
        return r;
    }

    @Test
    void oneCallReturnsEveryReadyDatagramEachInItsSlot() throws IOException {
        int size = 16 * 1024;
        ByteBuffer area = ByteBuffer.allocateDirect(8 * size).order(ByteOrder.nativeOrder());
        NetlinkSocket.MessageVector v = NetlinkSocket.vector(slots(area, 8, size));
        for (int seq = 1; seq <= 3; seq++) {
            askForLoopback(seq);
        }
        assertEquals(3, socket.receiveMany(v, 8), "three answers ready: one call takes them all");
        for (int i = 0; i < 3; i++) {
            int len = v.received(i);
            assertTrue(len > NlMsgHdr.SIZE && len <= size, "datagram " + i + ": " + len);
            int off = i * size;
            assertEquals(len, Wire.align4(area.getInt(off)), "one message fills datagram " + i);
            assertEquals(RTM_NEWLINK, NlMsgHdr.type(area, off));
            assertEquals(i + 1, NlMsgHdr.seq(area, off), "datagram " + i + " is the answer to request " + (i + 1));
        }

        long t0 = System.nanoTime();
        assertEquals(-1, socket.receiveMany(v, 8), "nothing ready: the receive timeout ends the wait");
        assertTrue(System.nanoTime() - t0 >= TIMEOUT.toNanos() / 2, "it did wait");
    }

    @Test
    void receivesNoMoreThanAskedAndKeepsTheRestForTheNextCall() throws IOException {
        int size = 16 * 1024;
        ByteBuffer area = ByteBuffer.allocateDirect(4 * size).order(ByteOrder.nativeOrder());
        NetlinkSocket.MessageVector v = NetlinkSocket.vector(slots(area, 4, size));
        for (int seq = 1; seq <= 3; seq++) {
            askForLoopback(seq);
        }
        assertEquals(2, socket.receiveMany(v, 2));
        assertEquals(1, socket.receiveMany(v, 4));
        assertEquals(3, NlMsgHdr.seq(area, 0));
    }

    @Test
    void aCutDatagramReportsItsFullLength() throws IOException {
        int size = 32;
        ByteBuffer area = ByteBuffer.allocateDirect(2 * size).order(ByteOrder.nativeOrder());
        NetlinkSocket.MessageVector v = NetlinkSocket.vector(slots(area, 2, size));
        askForLoopback(1);
        assertEquals(1, socket.receiveMany(v, 2));
        int len = v.received(0);
        assertTrue(len > size, "cut: full length " + len + " > " + size);
        assertEquals(len, area.getInt(0), "msg_len (MSG_TRUNC) is the nlmsg_len of the whole answer");
        assertEquals(MmsgLayout.MSG_TRUNC, v.layout().getInt(MmsgLayout.OFF_FLAGS) & MmsgLayout.MSG_TRUNC);
    }
}
