package net.zcc.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TcpPacket and TcpRst against the vectors of gen_vectors.py: fields read, bytes after each edit. */
class TcpPacketVectorsTest {
    static List<WireVector> parse() {
        return WireVector.of("parse");
    }

    static List<WireVector> malformed() {
        return WireVector.of("malformed");
    }

    static List<WireVector> insert() {
        return WireVector.of("insert");
    }

    static List<WireVector> edits() {
        return WireVector.all().stream()
                .filter(v -> List.of("mss", "addmss", "nops", "remove", "payload", "makerst").contains(v.op())).toList();
    }

    @Test
    void everyVectorIsUsed() {
        List<String> ops = List.of("parse", "malformed", "insert", "mss", "addmss", "nops", "remove", "payload",
                "makerst", "buildrst", "icmp", "icmp-malformed");
        List<WireVector> all = WireVector.all();
        assertTrue(all.size() >= 60, "vectors: " + all.size());
        all.forEach(v -> assertTrue(ops.contains(v.op()), v + ": unknown op " + v.op()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parse")
    void readsFields(WireVector v) throws Exception {
        TcpPacket p = parsed(v);
        assertEquals(v.field("version"), p.ipVersion());
        assertEquals(v.field("sport"), p.srcPort());
        assertEquals(v.field("dport"), p.dstPort());
        assertEquals(v.field("seq"), p.seq());
        assertEquals(v.field("ack"), p.ack());
        assertEquals(v.field("flags"), p.flags());
        assertEquals(v.field("window"), p.window());
        assertEquals(v.field("tcpHeader"), p.tcpHeaderLength());
        assertEquals(v.field("payload"), p.payloadLength());
        assertEquals(v.field("total"), p.totalLength());
        assertEquals(v.field("mss"), p.mss());
        assertEquals(0, p.urgentPointer());
        assertTrue(p.tcpChecksumValid() && p.ipChecksumValid(), "checksums of the vector");
        byte[] addr = new byte[16];
        int n = p.copySrcAddress(addr, 0);
        assertTrue(p.srcAddressEquals(Arrays.copyOf(addr, n)));
        assertEquals(p.srcInetAddress(), java.net.InetAddress.getByAddress(Arrays.copyOf(addr, n)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformed(WireVector v) {
        assertEquals(Malformation.valueOf(v.args().get("reason")), new TcpPacket().parse(v.buffer(0), v.in().length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("insert")
    void insertsOption(WireVector v) {
        TcpPacket p = parsed(v);
        byte[] opt = v.hexArg("opt");
        boolean ok = p.insertOption(opt, opt.length, Boolean.parseBoolean(v.args().get("trim")));
        assertEquals(Boolean.parseBoolean(v.args().get("result")), ok);
        if (ok) {
            p.updateChecksums();
        }
        assertBytes(v.out(), p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void edits(WireVector v) {
        TcpPacket p = parsed(v);
        assertTrue(apply(v, p), "edit accepted");
        p.updateChecksums();
        assertBytes(v.out(), p);
        assertNull(new TcpPacket().parse(p.buffer(), p.totalLength()), "still well-formed");
    }

    private static boolean apply(WireVector v, TcpPacket p) {
        switch (v.op()) {
            case "mss":
                return p.setMss((int) v.arg("mss"));
            case "addmss":
                return p.addMssOptionIfMissing((int) v.arg("mss"));
            case "nops": {
                int off = p.findExperimentalOption((int) v.arg("exid"));
                return off >= 0 && p.replaceWithNops(off, p.optionLength(off));
            }
            case "remove":
                return p.removeOption(p.findExperimentalOption((int) v.arg("exid")));
            case "payload":
                return resize(v, p);
            case "makerst":
                p.makeRst(v.arg("seq"), v.arg("ack"), Boolean.parseBoolean(v.args().get("withAck")));
                return true;
            default:
                throw new IllegalArgumentException(v.op());
        }
    }

    private static boolean resize(WireVector v, TcpPacket p) {
        int old = p.payloadLength();
        if (!p.setPayloadLength((int) v.arg("len"))) {
            return false;
        }
        if (v.args().containsKey("fill")) {
            byte[] fill = v.hexArg("fill");
            System.arraycopy(fill, 0, p.buffer(), p.payloadOffset() + old, fill.length);
        }
        return true;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("buildrst")
    void buildsRst(WireVector v) {
        HexFormat hex = HexFormat.of();
        byte[] out = new byte[80];
        int len = TcpRst.buildRst(out, v.hexArg("src"), v.hexArg("dst"), (int) v.arg("sport"), (int) v.arg("dport"),
                v.arg("seq"), v.arg("ack"), (int) v.arg("flags"));
        assertEquals(hex.formatHex(v.out()), hex.formatHex(out, 0, len));
    }

    static List<WireVector> buildrst() {
        return WireVector.of("buildrst");
    }

    private static TcpPacket parsed(WireVector v) {
        TcpPacket p = new TcpPacket();
        assertNull(p.parse(v.buffer(0), v.in().length), "input parses");
        return p;
    }

    /** Compares as hex so a failure shows where the bytes differ. */
    static void assertBytes(byte[] expected, TcpPacket p) {
        HexFormat hex = HexFormat.of();
        assertEquals(hex.formatHex(expected), hex.formatHex(p.buffer(), 0, p.totalLength()));
        assertArrayEquals(expected, Arrays.copyOf(p.buffer(), p.totalLength()));
    }
}
