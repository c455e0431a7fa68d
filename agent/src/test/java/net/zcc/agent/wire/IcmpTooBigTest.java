package net.zcc.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** IcmpTooBig against the ICMP vectors: the quoted flow, the MTU, the rewritten checksum. */
class IcmpTooBigTest {
    static List<WireVector> icmp() {
        return WireVector.of("icmp");
    }

    static List<WireVector> malformed() {
        return WireVector.of("icmp-malformed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("icmp")
    void readsQuotedFlowAndLowersMtu(WireVector v) {
        byte[] buf = v.buffer(0);
        IcmpTooBig m = new IcmpTooBig();
        assertNull(m.parse(buf, v.in().length));
        assertEquals(v.field("version"), m.ipVersion());
        assertEquals(v.field("mtu"), m.mtu());
        assertEquals(v.field("sport"), m.innerSrcPort());
        assertEquals(v.field("dport"), m.innerDstPort());
        assertEquals(v.field("seq"), m.innerSeq());
        HexFormat hex = HexFormat.of();
        byte[] src = hex.parseHex(v.fields().get("src"));
        assertTrue(m.innerSrcAddressEquals(src));
        assertTrue(m.innerDstAddressEquals(hex.parseHex(v.fields().get("dst"))));
        byte[] copy = new byte[16];
        assertEquals(src.length, m.copyInnerSrcAddress(copy, 0));
        assertTrue(m.checksumValid());

        assertTrue(m.setMtu((int) v.arg("mtu")));
        assertEquals(hex.formatHex(v.out()), hex.formatHex(buf, 0, v.out().length));
        assertTrue(m.checksumValid());
        assertFalse(m.setMtu(-1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesOtherIcmp(WireVector v) {
        assertEquals(Malformation.valueOf(v.args().get("reason")), new IcmpTooBig().parse(v.buffer(0), v.in().length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("icmp")
    void tcpVectorIsNotIcmp(WireVector v) {
        byte[] tcp = WireVector.of("parse").get(0).buffer(0);
        assertEquals(Malformation.NOT_TCP, new IcmpTooBig().parse(tcp, tcp.length - TcpPacket.MAX_GROWTH));
        byte[] cut = Arrays.copyOf(v.in(), 30);
        assertEquals(Malformation.TRUNCATED, new IcmpTooBig().parse(cut, cut.length));
    }
}
