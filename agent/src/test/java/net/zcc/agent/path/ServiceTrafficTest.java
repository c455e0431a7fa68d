package net.zcc.agent.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;
import org.junit.jupiter.api.Test;

/**
 * Per-service counters (issue 12, Traffic): each service counts its segments, payload bytes,
 * handshakes, compression savings and drops; drops of packets that belong to no service go to
 * "(none)"; a reload keeps the totals.
 */
class ServiceTrafficTest {

    private static ServiceCounters service(SimHost h, String name) {
        return h.dp.traffic().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void bytesSegmentsHandshakesSavingsAndOpenConnectionsPerService() throws Exception {
        TwoAgentsTest.Pair p = new TwoAgentsTest().new Pair(false, "aes-256", true, Policy.REQUIRE,
                TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42), true, 1000, 5000);
        p.handshake();
        byte[] text = "the quick brown fox jumps over the lazy dog; ".repeat(30).getBytes(StandardCharsets.US_ASCII);
        byte[] wire = p.aSends(0, text);
        assertNotNull(p.hostB.receive(wire));

        ServiceCounters a = service(p.hostA, "s");
        assertEquals(2, a.segmentsOut(), "the handshake's last ACK and the data: every sealed segment");
        assertEquals(text.length, a.bytesOut());
        assertEquals(text.length - Seg.payload(wire).length, a.compressionSavedBytes(), "original minus sent");
        assertEquals(1, a.handshakes());
        ServiceCounters b = service(p.hostB, "s");
        assertEquals(2, b.segmentsIn(), "the ACK and the data");
        assertEquals(text.length, b.bytesIn(), "after decompression");
        assertEquals(1, b.handshakes());
        assertEquals(1, p.hostA.dp.connections().openByService().get(a));
        assertEquals(1, p.hostB.dp.connections().openByService().get(b));
    }

    @Test
    void dropsGoToTheConnectionsServiceOrToNone() throws Exception {
        TwoAgentsTest.Pair p = new TwoAgentsTest().new Pair(false, "aes-256", false, Policy.REQUIRE,
                TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42), true, 1000, 5000);
        p.handshake();
        byte[] forged = p.fromA(p.isnA + 1, p.isnB + 1, TcpPacket.ACK | TcpPacket.PSH, new byte[] {1, 2, 3});
        assertNull(p.hostB.receive(forged));
        assertNull(p.hostB.receive(new byte[] {0x45, 0, 0}), "not a packet");

        assertEquals(1, service(p.hostB, "s").drops(DropReason.MISSING_OPTION));
        assertEquals(0, service(p.hostB, "s").drops(DropReason.MALFORMED));
        ServiceCounters none = service(p.hostB, ServiceCounters.NO_SERVICE);
        assertEquals(1, none.drops(DropReason.MALFORMED));
        assertEquals(0, none.drops(DropReason.MISSING_OPTION));
        assertEquals(p.hostB.dp.counters().totalDrops(), p.hostB.dp.traffic().stream()
                .mapToLong(c -> java.util.Arrays.stream(DropReason.values()).mapToLong(c::drops).sum()).sum(),
                "every drop is counted once per service, none lost");
    }

    @Test
    void aReloadKeepsTheTotalsAndTakesTheNewName() throws Exception {
        TwoAgentsTest.Pair p = new TwoAgentsTest().new Pair(false, "aes-256", false, Policy.REQUIRE,
                TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42), true, 1000, 5000);
        p.handshake();
        p.aSends(0, new byte[100]);
        p.hostA.dp.apply(new ServiceFile(List.of(new Service("renamed", InetAddress.getByAddress(p.b),
                TwoAgentsTest.PORT, Role.SERVER, "aes-256", true, false, Policy.REQUIRE))));
        p.aSends(100, new byte[50]);
        ServiceCounters a = service(p.hostA, "renamed");
        assertEquals(3, a.segmentsOut(), "the ACK and two data segments, across the reload");
        assertEquals(150, a.bytesOut());
        assertEquals(2, p.hostA.dp.traffic().size(), "the service and (none)");
    }
}
