package net.zcc.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Robustness: random, truncated and bit-flipped inputs never raise an unchecked exception in
 * any parser, and every editor applied to whatever parsed keeps the packet parseable.
 */
class WireFuzzTest {
    private static final int ROUNDS = 200_000;
    private final Random rnd = new Random(0x5A43);
    private final TcpPacket packet = new TcpPacket();
    private final TcpPacket check = new TcpPacket();
    private final IcmpTooBig icmp = new IcmpTooBig();

    @Test
    void randomBytes() {
        byte[] buf = new byte[200];
        for (int i = 0; i < ROUNDS; i++) {
            rnd.nextBytes(buf);
            buf[0] = (byte) ((rnd.nextBoolean() ? 0x40 : 0x60) | (buf[0] & 0x0F)); // reach past the version check
            int len = rnd.nextInt(buf.length - TcpPacket.MAX_GROWTH + 1);
            exercise(buf, len);
        }
    }

    @Test
    void truncatedAndFlippedVectors() {
        List<WireVector> all = WireVector.all();
        for (WireVector v : all) {
            for (int len = 0; len <= v.in().length; len++) {
                exercise(v.buffer(0), len);
            }
            for (int i = 0; i < 2000 && v.in().length > 0; i++) {
                byte[] buf = v.buffer(0);
                for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
                    buf[rnd.nextInt(v.in().length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                exercise(buf, v.in().length);
            }
        }
    }

    @Test
    void badArguments() {
        assertEquals(Malformation.TRUNCATED, packet.parse(null, 0));
        assertEquals(Malformation.TRUNCATED, packet.parse(new byte[10], 11));
        assertEquals(Malformation.TRUNCATED, packet.parse(new byte[10], -1));
        assertEquals(Malformation.TRUNCATED, icmp.parse(new byte[0], 0));
        assertEquals(-1, TcpRst.buildRst(new byte[10], new byte[4], new byte[4], 1, 2, 3, 4, TcpPacket.RST));
        assertEquals(-1, TcpRst.buildRst(new byte[60], new byte[4], new byte[16], 1, 2, 3, 4, TcpPacket.RST));
    }

    /** Parses {@code buf[0, len)} every way; if it is TCP, edits it and checks it still parses. */
    private void exercise(byte[] buf, int len) {
        icmp.parse(buf, len);
        ZccOption.type(buf, rnd.nextInt(buf.length), rnd.nextInt(45));
        if (packet.parse(buf, len) != null) {
            return;
        }
        for (int off = packet.firstOption(); off >= 0; off = packet.nextOption(off)) {
            ZccOption.type(buf, off, packet.payloadOffset() - off);
        }
        edit();
        packet.updateChecksums();
        assertTrue(packet.tcpChecksumValid() && packet.ipChecksumValid());
        assertNull(check.parse(buf, packet.totalLength()), "edited packet still parses");
    }

    private void edit() {
        byte[] opt = new byte[17];
        ZccOption.writeData(opt, 0, rnd.nextBoolean(), new byte[12], 0);
        packet.insertOption(opt, opt.length, rnd.nextBoolean());
        packet.setMss(packet.mss() - 20);
        packet.addMssOptionIfMissing(516);
        int zcc = packet.findExperimentalOption(ZccOption.EXID);
        if (zcc >= 0 && rnd.nextBoolean()) {
            packet.removeOption(zcc);
        }
        packet.removeOption(rnd.nextInt(packet.buffer().length + 10) - 5);
        packet.replaceWithNops(rnd.nextInt(80) - 10, rnd.nextInt(50) - 5);
        packet.setPayloadLength(Math.max(0, packet.payloadLength() + rnd.nextInt(40) - 20));
        if (rnd.nextInt(8) == 0) {
            packet.makeRst(rnd.nextInt(), rnd.nextInt(), rnd.nextBoolean());
        }
    }
}
