package net.zcc.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ZCC option codec byte for byte against PROTOCOL.md section 2 (hex laid out by hand). */
class ZccOptionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] NONCE_I = HEX.parseHex("0011223344556677");
    private static final byte[] NONCE_R = HEX.parseHex("8899aabbccddeeff");
    private static final byte[] TAGS = HEX.parseHex("ffa1a2a3a4a5a6b0b1b2b3b4b5b6b7b8b9babb");

    @Test
    void offer() {
        byte[] out = new byte[20];
        assertEquals(18, ZccOption.writeOffer(out, 2, 1, 0xc0ffee01, NONCE_I));
        assertEquals("0000" + "fd125a43" + "41" + "01" + "c0ffee01" + "0011223344556677", HEX.formatHex(out));
        assertEquals(ZccOption.TYPE_OFFER, ZccOption.type(out, 2, 18));
        assertEquals(1, ZccOption.suite(out, 2));
        assertEquals(0xc0ffee01, ZccOption.keyId(out, 2));
        byte[] n = new byte[8];
        ZccOption.copyNonceI(out, 2, n, 0);
        assertArrayEquals(NONCE_I, n);
    }

    @Test
    void accept() {
        byte[] out = new byte[19];
        assertEquals(19, ZccOption.writeAccept(out, 0, NONCE_R, TAGS, 1));
        assertEquals("fd135a43" + "42" + "8899aabbccddeeff" + "a1a2a3a4a5a6", HEX.formatHex(out));
        assertEquals(ZccOption.TYPE_ACCEPT, ZccOption.type(out, 0, out.length));
        byte[] n = new byte[8];
        ZccOption.copyNonceR(out, 0, n, 0);
        assertArrayEquals(NONCE_R, n);
        byte[] t = new byte[6];
        ZccOption.copyHandshakeTag(out, 0, t, 0);
        assertEquals("a1a2a3a4a5a6", HEX.formatHex(t));
    }

    @Test
    void data() {
        byte[] out = new byte[17];
        ZccOption.writeData(out, 0, false, TAGS, 7);
        assertEquals("fd115a43" + "43" + "b0b1b2b3b4b5b6b7b8b9babb", HEX.formatHex(out));
        assertEquals(ZccOption.TYPE_DATA, ZccOption.type(out, 0, 17));
        assertFalse(ZccOption.compressed(out, 0));
        ZccOption.writeData(out, 0, true, TAGS, 7);
        assertEquals("fd115a43" + "44" + "b0b1b2b3b4b5b6b7b8b9babb", HEX.formatHex(out));
        assertEquals(ZccOption.TYPE_DATA_COMPRESSED, ZccOption.type(out, 0, 17));
        assertTrue(ZccOption.compressed(out, 0));
        byte[] t = new byte[12];
        ZccOption.copyTag(out, 0, t, 0);
        assertEquals("b0b1b2b3b4b5b6b7b8b9babb", HEX.formatHex(t));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "fd115a4343b0b1b2b3b4b5b6b7b8b9babb, 3",
        "fd115a4343b0b1b2b3b4b5b6b7b8b9ba, -1",     // one byte short of its length
        "fd11, -1",
        "fe115a4343b0b1b2b3b4b5b6b7b8b9babb, -2",   // kind 254
        "fd1112344300000000000000000000000000, -2", // another experiment's ExID
        "fd115a4323b0b1b2b3b4b5b6b7b8b9babb, -3",   // version 1: the pre-SIV format is refused
        "fd115a4363b0b1b2b3b4b5b6b7b8b9babb, -3",   // version 3
        "fd115a4303b0b1b2b3b4b5b6b7b8b9babb, -3",   // version 0
        "fd115a4345b0b1b2b3b4b5b6b7b8b9babb, -4",   // type 5
        "fd115a4340b0b1b2b3b4b5b6b7b8b9babb, -4",   // type 0
        "fd125a4343b0b1b2b3b4b5b6b7b8b9babb00, -5", // DATA with length 18
        "fd115a4341b0b1b2b3b4b5b6b7b8b9babb, -5",   // OFFER with length 17
    })
    void typeOrReason(String hex, int expected) {
        byte[] b = HEX.parseHex(hex);
        assertEquals(expected, ZccOption.type(b, 0, b.length));
    }

    @Test
    void typeNeverReadsOutsideTheGivenRange() {
        byte[] b = HEX.parseHex("fd115a4343b0b1b2b3b4b5b6b7b8b9babb");
        assertEquals(ZccOption.ERR_TRUNCATED, ZccOption.type(b, 1, b.length));
        assertEquals(ZccOption.ERR_TRUNCATED, ZccOption.type(b, -1, 5));
        assertEquals(ZccOption.ERR_TRUNCATED, ZccOption.type(null, 0, 5));
        assertEquals(ZccOption.ERR_TRUNCATED, ZccOption.type(b, 40, 5));
    }

    @Test
    void writersRefuseBadArgumentsBeforeWriting() {
        byte[] out = new byte[17];
        assertThrows(IllegalArgumentException.class, () -> ZccOption.writeOffer(out, 0, 1, 1, NONCE_I));
        assertThrows(IllegalArgumentException.class, () -> ZccOption.writeData(out, 0, false, TAGS, 10));
        assertArrayEquals(new byte[17], out);
    }
}
