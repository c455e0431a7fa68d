package net.zcc.agent.path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two whole agents, A (initiator) and B (responder), talking through the in-memory queue twin:
 * the segments are what Linux stacks send, the wire is whatever the test does to them.
 */
class TwoAgentsTest {
    static final int PORT = 8080;
    static final int SRC_PORT = 40000;
    static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    final Random rnd = new Random(1);

    /** A key source holding one key for every peer. */
    static KeySource oneKey(byte[] key, int id) {
        SessionKey k = new SessionKey(id, key);
        return new KeySource() {
            @Override
            public Optional<SessionKey> current(InetAddress peer) {
                return Optional.of(k);
            }

            @Override
            public Optional<SessionKey> byId(InetAddress peer, int keyId) {
                return keyId == id ? Optional.of(k) : Optional.empty();
            }
        };
    }

    static final KeySource NO_KEYS = new KeySource() {
        @Override
        public Optional<SessionKey> current(InetAddress peer) {
            return Optional.empty();
        }

        @Override
        public Optional<SessionKey> byId(InetAddress peer, int keyId) {
            return Optional.empty();
        }
    };

    /** The two hosts and one connection between them. */
    final class Pair {
        final byte[] a;
        final byte[] b;
        final SimHost hostA;
        SimHost hostB;
        final long isnA;
        final long isnB;

        Pair(boolean v6, String scheme, boolean compress, Policy policy, KeySource keysB, boolean bProtects, long isnA, long isnB)
                throws Exception {
            a = InetAddress.getByName(v6 ? "2001:2::1" : "198.18.0.1").getAddress();
            b = InetAddress.getByName(v6 ? "2001:2::2" : "198.18.0.2").getAddress();
            hostA = new SimHost(oneKey(KEY, 42), new ServiceFile(List.of(new Service("s", InetAddress.getByAddress(b),
                    PORT, Role.SERVER, scheme, true, compress, policy))));
            hostB = new SimHost(keysB, bProtects ? new ServiceFile(List.of(new Service("s", InetAddress.getByAddress(a),
                    PORT, Role.CLIENT, scheme, true, compress, policy))) : ServiceFile.empty());
            this.isnA = isnA;
            this.isnB = isnB;
        }

        byte[] fromA(long seq, long ack, int flags, byte[] payload) {
            return Seg.build(a, b, SRC_PORT, PORT, seq, ack, flags, flags == TcpPacket.SYN ? Seg.SYN_OPTIONS : Seg.TS_OPTIONS, payload);
        }

        byte[] fromB(long seq, long ack, int flags, byte[] payload) {
            return Seg.build(b, a, PORT, SRC_PORT, seq, ack, flags,
                    (flags & TcpPacket.SYN) != 0 ? Seg.SYN_OPTIONS : Seg.TS_OPTIONS, payload);
        }

        /** SYN, SYN-ACK, ACK through both agents; returns what A's stack got for the SYN-ACK. */
        byte[] handshake() {
            byte[] syn = hostA.send(fromA(isnA, 0, TcpPacket.SYN, new byte[0]));
            assertNotNull(syn, "A lets its SYN out");
            TcpPacket s = Seg.view(syn);
            assertTrue(s.findExperimentalOption(ZccOption.EXID) >= 0, "SYN carries the OFFER");
            assertEquals(1460 - 20, s.mss(), "MSS clamped by the option's room");
            byte[] synAtB = hostB.receive(syn);
            assertNotNull(synAtB);
            byte[] synAck = hostB.send(fromB(isnB, isnA + 1, TcpPacket.SYN | TcpPacket.ACK, new byte[0]));
            assertNotNull(synAck);
            byte[] synAckAtA = hostA.receive(synAck);
            if (synAckAtA != null && Seg.view(synAckAtA).hasFlags(TcpPacket.SYN)) {
                assertNotNull(hostB.receive(hostA.send(fromA(isnA + 1, isnB + 1, TcpPacket.ACK, new byte[0]))));
            }
            return synAckAtA;
        }

        /** A sends {@code data} at stream offset {@code off}; returns the wire bytes. */
        byte[] aSends(long off, byte[] data) {
            return hostA.send(fromA(isnA + 1 + off, isnB + 1, TcpPacket.ACK | TcpPacket.PSH, data));
        }
    }

    @ParameterizedTest
    @CsvSource({"false,aes-256", "true,aes-256", "false,chacha20", "true,chacha20"})
    void handshakeThenDataBothWaysIpv4AndIpv6BothSuites(boolean v6, String scheme) throws Exception {
        Pair p = new Pair(v6, scheme, false, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        byte[] synAckAtA = p.handshake();
        assertTrue(Seg.view(synAckAtA).hasFlags(TcpPacket.SYN), "A's stack gets the SYN-ACK");
        assertEquals(-1, Seg.view(synAckAtA).findExperimentalOption(ZccOption.EXID), "option stripped");
        byte[] msg = "GET / HTTP/1.1\r\nHost: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] wire = p.aSends(0, msg);
        assertFalse(Arrays.equals(msg, Seg.payload(wire)), "ciphertext on the wire");
        assertEquals(msg.length, Seg.payload(wire).length, "length preserved");
        byte[] atB = p.hostB.receive(wire);
        assertArrayEquals(msg, Seg.payload(atB), "B's stack gets the plaintext");
        assertTrue(Seg.view(atB).tcpChecksumValid());
        byte[] reply = "HTTP/1.1 200 OK\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);
        byte[] back = p.hostB.send(p.fromB(p.isnB + 1, p.isnA + 1 + msg.length, TcpPacket.ACK | TcpPacket.PSH, reply));
        assertArrayEquals(reply, Seg.payload(p.hostA.receive(back)));
        assertEquals(0, p.hostA.dp.counters().totalDrops() + p.hostB.dp.counters().totalDrops());
        assertEquals(1, p.hostA.dp.counters().handshakes());
        assertEquals(1, p.hostB.dp.counters().handshakes());
    }

    @ParameterizedTest
    @ValueSource(longs = {1000L, 0xffff_f000L})
    void retransmissionResegmentationDuplicationReorderingAndSequenceWrap(long isnA) throws Exception {
        Pair p = new Pair(false, "aes-256", false, Policy.REQUIRE, oneKey(KEY, 42), true, isnA, 7);
        p.handshake();
        byte[] stream = new byte[20000];
        rnd.nextBytes(stream);
        byte[] delivered = new byte[stream.length];
        // First transmission in 1000-byte segments, delivered in reverse order within each pair.
        for (int off = 0; off < stream.length; off += 2000) {
            byte[] w1 = p.aSends(off, Arrays.copyOfRange(stream, off, off + 1000));
            byte[] w2 = p.aSends(off + 1000, Arrays.copyOfRange(stream, off + 1000, off + 2000));
            deliver(p, w2, off + 1000, delivered);
            deliver(p, w1, off, delivered);
            deliver(p, w1, off, delivered); // duplicate
        }
        // Retransmission with other boundaries (re-segmentation): 700-byte segments over the same bytes.
        for (int off = 0; off + 700 <= stream.length; off += 700) {
            byte[] w = p.aSends(off, Arrays.copyOfRange(stream, off, off + 700));
            deliver(p, w, off, delivered);
        }
        // Same offset and length again: identical ciphertext (keystream depends on what is sent, not when).
        assertArrayEquals(Seg.payload(p.aSends(0, Arrays.copyOf(stream, 1000))),
                Seg.payload(p.aSends(0, Arrays.copyOf(stream, 1000))));
        assertArrayEquals(stream, delivered);
        assertEquals(0, p.hostB.dp.counters().totalDrops(), p.hostB.dp.counters().describe());
    }

    /**
     * Linux may retransmit other bytes at an offset (sendfile, splice or MSG_ZEROCOPY of a page
     * rewritten meanwhile): the keystream must not repeat, or the XOR of the two ciphertexts
     * would be the XOR of the two plaintexts (issue 9, finding 4).
     */
    @ParameterizedTest
    @ValueSource(strings = {"aes-256", "chacha20"})
    void otherBytesRetransmittedAtTheSameOffsetGetAnotherKeystream(String scheme) throws Exception {
        Pair p = new Pair(false, scheme, false, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        p.handshake();
        byte[] p1 = new byte[1000];
        rnd.nextBytes(p1);
        byte[] p2 = p1.clone();
        p2[500] ^= 1; // one bit of the page rewritten between transmission and retransmission
        byte[] c1 = Seg.payload(p.aSends(0, p1));
        byte[] c2 = Seg.payload(p.aSends(0, p2));
        int leaked = 0;
        for (int i = 0; i < p1.length; i++) {
            if ((c1[i] ^ c2[i]) == (p1[i] ^ p2[i])) {
                leaked++;
            }
        }
        assertTrue(leaked < 40, leaked + " of 1000 bytes: ciphertext XOR equals plaintext XOR (chance: about 4)");
    }

    private void deliver(Pair p, byte[] wire, int off, byte[] into) {
        byte[] got = p.hostB.receive(wire);
        assertNotNull(got, "segment at " + off + " opened: " + p.hostB.dp.counters().describe());
        byte[] pl = Seg.payload(got);
        System.arraycopy(pl, 0, into, off, pl.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flip", "forged-rst", "tag-rst", "strip"})
    void tamperedAndForgedSegmentsAreDroppedAndCounted(String attack) throws Exception {
        Pair p = new Pair(false, "aes-256", false, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        p.handshake();
        byte[] wire = p.aSends(0, "secret".getBytes(StandardCharsets.US_ASCII));
        byte[] bad;
        switch (attack) {
            case "flip" -> {
                bad = wire.clone();
                TcpPacket v = Seg.view(bad);
                bad[v.payloadOffset()] ^= 1;
                bad = refreshChecksums(bad);
            }
            case "forged-rst" -> bad = p.fromA(p.isnA + 1, p.isnB + 1, TcpPacket.RST | TcpPacket.ACK, new byte[0]);
            case "tag-rst" -> {
                // A real sealed segment with the RST flag set by an attacker: the flags are authenticated.
                bad = wire.clone();
                TcpPacket v = Seg.view(bad);
                bad[v.tcpOffset() + 13] |= TcpPacket.RST;
                bad = refreshChecksums(bad);
            }
            default -> bad = Seg.payload(wire).length > 0
                    ? p.fromA(p.isnA + 1, p.isnB + 1, TcpPacket.ACK | TcpPacket.PSH, Seg.payload(wire)) : null;
        }
        assertNull(p.hostB.receive(bad), attack + " must not reach B's stack");
        long dropped = p.hostB.drops(DropReason.BAD_MAC) + p.hostB.drops(DropReason.MISSING_OPTION);
        assertEquals(1, dropped, p.hostB.dp.counters().describe());
        assertNotNull(p.hostB.receive(wire), "the genuine segment still opens after the forgery");
    }

    private static byte[] refreshChecksums(byte[] packet) {
        byte[] buf = Arrays.copyOf(packet, packet.length + TcpPacket.MAX_GROWTH);
        TcpPacket p = new TcpPacket();
        p.parse(buf, packet.length);
        p.updateChecksums();
        return Arrays.copyOf(buf, packet.length);
    }

    @ParameterizedTest
    @CsvSource({"REQUIRE,true", "OPPORTUNISTIC,false"})
    void peerWithoutAgentIsRefusedUnderRequireAndPlaintextUnderOpportunistic(Policy policy, boolean refused)
            throws Exception {
        Pair p = new Pair(false, "aes-256", false, policy, NO_KEYS, false, 1000, 5000);
        byte[] syn = p.hostA.send(p.fromA(p.isnA, 0, TcpPacket.SYN, new byte[0]));
        assertNotNull(syn);
        // B runs no agent: its stack ignores the option and answers without ACCEPT.
        byte[] atA = p.hostA.receive(p.fromB(p.isnB, p.isnA + 1, TcpPacket.SYN | TcpPacket.ACK, new byte[0]));
        TcpPacket v = Seg.view(atA);
        assertEquals(refused, v.hasFlags(TcpPacket.RST), "local stack gets a RST under require");
        assertEquals(refused ? 1 : 0, p.hostA.dp.counters().refused());
        assertEquals(refused ? 0 : 1, p.hostA.dp.counters().plaintextConnections());
        if (!refused) {
            byte[] data = "plain".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(data, Seg.payload(p.aSends(0, data)), "opportunistic: plaintext, reported");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void afterARestartTheConnectionIsResetNeverPlaintext(boolean v6) throws Exception {
        Pair p = new Pair(v6, "aes-256", false, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        p.handshake();
        byte[] wire = p.aSends(0, "before".getBytes(StandardCharsets.US_ASCII));
        assertNotNull(p.hostB.receive(wire));
        p.hostB = new SimHost(oneKey(KEY, 42), new ServiceFile(List.of(new Service("s",
                InetAddress.getByAddress(p.a), PORT, Role.CLIENT, "aes-256", true, false, Policy.REQUIRE))));
        byte[] next = p.aSends(6, "after".getBytes(StandardCharsets.US_ASCII));
        TcpPacket probe = Seg.view(p.hostB.receive(next));
        assertFalse(probe.hasFlags(TcpPacket.RST), "first: a probe that makes the stack tell its rcv_nxt");
        assertEquals(0, probe.payloadLength(), "no payload reaches the stack");
        long rcvNxt = p.isnA + 1 + 6;
        TcpPacket reflected = Seg.view(p.hostB.send(p.fromB(p.isnB + 1, rcvNxt, TcpPacket.ACK, new byte[0])));
        assertTrue(reflected.hasFlags(TcpPacket.RST), "the stack's duplicate ACK comes back to it as a reset");
        assertEquals(rcvNxt, reflected.seq(), "at the one sequence number Linux accepts");
        assertTrue(reflected.srcAddressEquals(p.a) && reflected.dstAddressEquals(p.b), "never sent to the wire");
        byte[] atB = p.hostB.receive(p.aSends(6, "after".getBytes(StandardCharsets.US_ASCII)));
        TcpPacket v = Seg.view(atB);
        assertTrue(v.hasFlags(TcpPacket.RST), "a later segment from the peer resets too (the hint was learnt)");
        assertEquals(rcvNxt, v.seq());
        assertEquals(0, v.payloadLength(), "and no payload");
        assertEquals(2, p.hostB.dp.counters().localResets());
        assertEquals(3, p.hostB.drops(DropReason.UNKNOWN_CONNECTION), "two inbound, one outbound");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes-256", "chacha20"})
    void compressionShrinksTextOnTheWireAndRestoresIt(String scheme) throws Exception {
        Pair p = new Pair(false, scheme, true, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        p.handshake();
        byte[] text = "the quick brown fox jumps over the lazy dog; ".repeat(30).getBytes(StandardCharsets.US_ASCII);
        byte[] wire = p.aSends(0, text);
        assertTrue(Seg.payload(wire).length < text.length / 2, "compressed: " + Seg.payload(wire).length);
        assertArrayEquals(text, Seg.payload(p.hostB.receive(wire)));
        byte[] random = new byte[1000];
        rnd.nextBytes(random);
        byte[] w2 = p.aSends(text.length, random);
        assertEquals(random.length, Seg.payload(w2).length, "incompressible: sent as is, never larger");
        assertArrayEquals(random, Seg.payload(p.hostB.receive(w2)));
        assertEquals(1, p.hostA.dp.counters().compressedSegments());
    }

    @org.junit.jupiter.api.Test
    void everySegmentOfOneBatchKeepsItsOwnBytes() throws Exception {
        // Regression: rewritten packets once shared the worker's buffer until the batch verdict,
        // so a GSO burst went out as copies of its last segment.
        Pair p = new Pair(false, "aes-256", false, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        p.handshake();
        byte[] stream = new byte[8 * 1000];
        rnd.nextBytes(stream);
        List<byte[]> segs = new java.util.ArrayList<>();
        for (int off = 0; off < stream.length; off += 1000) {
            segs.add(p.fromA(p.isnA + 1 + off, p.isnB + 1, TcpPacket.ACK, Arrays.copyOfRange(stream, off, off + 1000)));
        }
        List<byte[]> wire = p.hostA.sendBatch(segs);
        assertEquals(8, wire.size());
        byte[] got = new byte[stream.length];
        for (int i = 0; i < wire.size(); i++) {
            TcpPacket v = Seg.view(wire.get(i));
            assertEquals((p.isnA + 1 + i * 1000L) & 0xffffffffL, v.seq(), "segment " + i + " keeps its own header");
            byte[] pl = Seg.payload(p.hostB.receive(wire.get(i)));
            System.arraycopy(pl, 0, got, i * 1000, pl.length);
        }
        assertArrayEquals(stream, got);
    }

    @org.junit.jupiter.api.Test
    void aHostBehindASmallerMtuIsToldAPeerMssThatLeavesRoomForTheOption() throws Exception {
        Pair p = new Pair(false, "aes-256", false, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        p.hostB = new SimHost(oneKey(KEY, 42), new ServiceFile(List.of(new Service("s",
                InetAddress.getByAddress(p.a), PORT, Role.CLIENT, "aes-256", true, false, Policy.REQUIRE))), 1280);
        byte[] syn = p.hostA.send(p.fromA(p.isnA, 0, TcpPacket.SYN, new byte[0]));
        TcpPacket atB = Seg.view(p.hostB.receive(syn));
        assertEquals(1280 - 20 - 20 - 20, atB.mss(), "B's stack sends segments that still fit 1280 once sealed");
        assertTrue(atB.tcpChecksumValid());
    }

    @org.junit.jupiter.api.Test
    void withoutAKeyTheSynComesBackToTheLocalStackAsARefusal() throws Exception {
        Pair p = new Pair(false, "aes-256", false, Policy.REQUIRE, NO_KEYS, true, 1000, 5000);
        SimHost noKeys = new SimHost(NO_KEYS, new ServiceFile(List.of(new Service("s", InetAddress.getByAddress(p.b),
                PORT, Role.SERVER, "aes-256", true, false, Policy.REQUIRE))));
        TcpPacket rst = Seg.view(noKeys.send(p.fromA(p.isnA, 0, TcpPacket.SYN, new byte[0])));
        assertTrue(rst.hasFlags(TcpPacket.RST | TcpPacket.ACK), "RST-ACK");
        assertEquals(p.isnA + 1, rst.ack(), "acknowledges the SYN, so the stack takes it as a refusal");
        assertTrue(rst.srcAddressEquals(p.b) && rst.dstAddressEquals(p.a), "from the peer, to this host");
        assertEquals(PORT, rst.srcPort());
        assertTrue(rst.tcpChecksumValid());
        assertEquals(1, noKeys.drops(DropReason.NO_KEY));
    }

    @org.junit.jupiter.api.Test
    void afterARestartTheSendingSideIsResetAtItsOwnRcvNxt() throws Exception {
        Pair p = new Pair(false, "aes-256", false, Policy.REQUIRE, oneKey(KEY, 42), true, 1000, 5000);
        p.handshake();
        SimHost restarted = new SimHost(oneKey(KEY, 42), new ServiceFile(List.of(new Service("s",
                InetAddress.getByAddress(p.b), PORT, Role.SERVER, "aes-256", true, false, Policy.REQUIRE))));
        byte[] data = p.fromA(p.isnA + 1, p.isnB + 1 + 77, TcpPacket.ACK | TcpPacket.PSH, new byte[100]);
        TcpPacket rst = Seg.view(restarted.send(data));
        assertTrue(rst.hasFlags(TcpPacket.RST), "the local stack is reset");
        assertEquals(p.isnB + 1 + 77, rst.seq(), "at its rcv_nxt, the ack it was sending");
        assertTrue(rst.srcAddressEquals(p.b), "as if from the peer");
        assertEquals(0, rst.payloadLength(), "nothing of the payload leaves or returns");
    }
}
