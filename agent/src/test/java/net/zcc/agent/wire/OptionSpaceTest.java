package net.zcc.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PROTOCOL.md section 3 case by case, as sizes (the byte-exact results are the insert vectors
 * of the same names): the header length after inserting, SACK blocks kept, refusal unchanged.
 */
class OptionSpaceTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "syn4-offer, 60, -1",          // 20 + OFFER 18 + 2 = 40
        "syn6-offer, 60, -1",
        "synack4-accept, 60, -1",      // 20 + ACCEPT 19 + 1 = 40
        "data4-data, 52, -1",          // NOP NOP TS 12 + DATA 17 + 3 = 32
        "ack4-sack1-data, 60, 1",      // TS + DATA + one SACK block still fit
        "ack4-sack3-data, 60, 1",      // 3 SACK blocks trimmed to 1
        "ack6-sack3-data, 60, 1",
    })
    void fits(String name, int tcpHeader, int sackBlocks) {
        TcpPacket p = insert(name);
        assertEquals(tcpHeader, p.tcpHeaderLength());
        assertTrue(p.findExperimentalOption(ZccOption.EXID) >= 0);
        int sack = p.findOption(5);
        assertEquals(sackBlocks, sack < 0 ? -1 : (p.optionLength(sack) - 2) / 8);
        assertTrue(p.tcpChecksumValid());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"syn4-full-refused", "syn6-full-refused", "ack4-sack3-notrim"})
    void refusedAndUnchanged(String name) {
        WireVector v = vector(name);
        TcpPacket p = new TcpPacket();
        p.parse(v.buffer(0), v.in().length);
        byte[] opt = v.hexArg("opt");
        assertFalse(p.insertOption(opt, opt.length, Boolean.parseBoolean(v.args().get("trim"))));
        TcpPacketVectorsTest.assertBytes(v.in(), p);
    }

    private static TcpPacket insert(String name) {
        WireVector v = vector(name);
        TcpPacket p = new TcpPacket();
        p.parse(v.buffer(0), v.in().length);
        byte[] opt = v.hexArg("opt");
        assertTrue(p.insertOption(opt, opt.length, true), HexFormat.of().formatHex(v.in()));
        p.updateChecksums();
        return p;
    }

    private static WireVector vector(String name) {
        return WireVector.all().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }
}
