package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every format class against the byte vectors: decode checks fields, encode compares byte for byte. */
class NetlinkVectorsTest {
    /** Messages are placed at this offset so no parser can get away with assuming offset 0. */
    private static final int PAD = 12;

    @BeforeAll
    static void littleEndianHost() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "vectors are written in little-endian host order");
    }

    static Stream<NetlinkVector> of(String... kinds) {
        List<String> wanted = List.of(kinds);
        return NetlinkVector.all().stream().filter(v -> wanted.contains(v.kind()));
    }

    static Stream<NetlinkVector> packets() {
        return of("packet");
    }

    static Stream<NetlinkVector> malformed() {
        return of("malformed");
    }

    static Stream<NetlinkVector> errors() {
        return of("error");
    }

    static Stream<NetlinkVector> encoded() {
        return of("config-bind", "config-unbind", "config-params", "config-maxlen", "config-flags",
                "verdict", "verdict-batch");
    }

    @Test
    void everyVectorHasAKnownKind() {
        List<NetlinkVector> all = NetlinkVector.all();
        assertEquals(24, all.size());
        long known = Stream.of(packets(), malformed(), errors(), encoded(), of("error-malformed", "done"))
                .mapToLong(Stream::count).sum();
        assertEquals(all.size(), known);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void decodesPacket(NetlinkVector v) throws MalformedMessageException {
        ByteBuffer b = v.buffer(PAD);
        QueuedPacket p = new QueuedPacket();
        p.reset();
        NfqPacketMsg.parse(b, PAD, v.bytes().length, p, b.duplicate());
        assertEquals(v.intField("queue"), NfqPacketMsg.queue(b, PAD));
        assertEquals(v.intField("id"), p.packetId());
        assertEquals(v.intField("hwProtocol"), p.hwProtocol());
        assertEquals(v.intField("hook"), p.hook());
        assertEquals(v.intField("mark"), p.mark());
        assertEquals(Boolean.parseBoolean(v.field("hasMark")), p.hasMark());
        assertEquals(v.intField("payloadLength"), p.payloadLength());
        assertEquals(v.intField("originalLength"), p.originalLength());
        if (v.field("payloadFirst") != null) {
            assertEquals(v.intField("payloadFirst"), p.payload().get(p.payload().position()) & 0xff);
            assertEquals(v.intField("payloadLast"), p.payload().get(p.payload().limit() - 1) & 0xff);
        }
        assertEquals(0, b.position(), "the parse buffer itself is not moved");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedPacket(NetlinkVector v) {
        ByteBuffer b = v.buffer(PAD);
        QueuedPacket p = new QueuedPacket();
        p.reset();
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> NfqPacketMsg.parse(b, PAD, v.bytes().length, p, b.duplicate()));
        assertEquals(v.field("reason"), e.reason().name());
        if (v.field("hasId") != null) {
            assertEquals(Boolean.parseBoolean(v.field("hasId")), p.hasId());
        }
        if (v.field("id") != null) {
            assertEquals(v.intField("id"), p.packetId());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void decodesError(NetlinkVector v) throws MalformedMessageException {
        ByteBuffer b = v.buffer(PAD);
        int len = NlMsgHdr.checkedLength(b, PAD, PAD + v.bytes().length);
        assertEquals(NlMsgHdr.NLMSG_ERROR, NlMsgHdr.type(b, PAD));
        assertEquals(v.intField("error"), NlErrorMsg.error(b, PAD, len));
        assertEquals(v.intField("requestSeq"), NlErrorMsg.requestSeq(b, PAD, len));
        assertEquals(v.intField("requestType"), NlErrorMsg.requestType(b, PAD, len));
    }

    @Test
    void truncatedErrorIsMalformed() throws MalformedMessageException {
        NetlinkVector v = of("error-malformed").findFirst().orElseThrow();
        ByteBuffer b = v.buffer(PAD);
        int len = NlMsgHdr.checkedLength(b, PAD, PAD + v.bytes().length);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> NlErrorMsg.error(b, PAD, len));
        assertEquals(v.field("reason"), e.reason().name());
    }

    @Test
    void doneIsAWellFormedNonPacketMessage() throws MalformedMessageException {
        NetlinkVector v = of("done").findFirst().orElseThrow();
        ByteBuffer b = v.buffer(PAD);
        assertEquals(v.bytes().length, NlMsgHdr.checkedLength(b, PAD, PAD + v.bytes().length));
        assertEquals(NlMsgHdr.NLMSG_DONE, NlMsgHdr.type(b, PAD));
        assertThrows(MalformedMessageException.class, () -> NlErrorMsg.error(b, PAD, v.bytes().length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encoded")
    void encodesByteForByte(NetlinkVector v) {
        // A dirty, heap, non-native-order buffer: padding must be zeroed and byte order explicit.
        ByteBuffer b = ByteBuffer.allocate(PAD + v.bytes().length + 16).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) 0xee);
        }
        int len = encode(v, b);
        assertEquals(v.bytes().length, len);
        byte[] got = new byte[len];
        b.get(PAD, got);
        assertArrayEquals(v.bytes(), got, () -> "got " + HexFormat.of().formatHex(got));
        assertEquals((byte) 0xee, b.get(PAD + len), "nothing written past the message");
    }

    private static int encode(NetlinkVector v, ByteBuffer b) {
        int seq = v.intField("seq");
        int q = v.intField("queue");
        switch (v.kind()) {
            case "config-bind":
                return NfqConfigMsg.writeCommand(b, PAD, seq, q, NfqProto.CMD_BIND);
            case "config-unbind":
                return NfqConfigMsg.writeCommand(b, PAD, seq, q, NfqProto.CMD_UNBIND);
            case "config-params":
                return NfqConfigMsg.writeParams(b, PAD, seq, q, v.intField("copyRange"), v.intField("copyMode"));
            case "config-maxlen":
                return NfqConfigMsg.writeMaxLen(b, PAD, seq, q, v.intField("maxLen"));
            case "config-flags":
                return NfqConfigMsg.writeFlags(b, PAD, seq, q, v.intField("flags"), v.intField("mask"));
            case "verdict-batch":
                return NfqVerdictMsg.writeBatch(b, PAD, seq, q, v.intField("verdict"), v.intField("id"));
            case "verdict":
                boolean withMark = v.field("mark") != null;
                ByteBuffer payload = v.field("payload") == null ? null
                        : ByteBuffer.wrap(HexFormat.of().parseHex(v.field("payload")));
                return NfqVerdictMsg.writeVerdict(b, PAD, seq, q, v.intField("verdict"), v.intField("id"),
                        withMark, withMark ? v.intField("mark") : 0, payload);
            default:
                throw new IllegalArgumentException(v.kind());
        }
    }

    @Test
    void verdictSizeMatchesWhatIsWritten() {
        ByteBuffer b = ByteBuffer.allocate(256);
        ByteBuffer payload = ByteBuffer.wrap(new byte[21]);
        assertEquals(NfqVerdictMsg.size(true, 21),
                NfqVerdictMsg.writeVerdict(b, 0, 1, 0, 1, 1, true, 5, payload));
        assertEquals(0, payload.position(), "the replacement is not consumed");
        assertEquals(NfqVerdictMsg.size(false, -1), NfqVerdictMsg.writeBatch(b, 0, 1, 0, 1, 1));
    }

    @Test
    void attributeTypeIgnoresFlagBits() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        NlAttr.putHeader(b, 0, 0xc000 | 10, 0);
        assertEquals(10, NlAttr.type(b, 0));
        assertFalse(NlAttr.hasNext(5, 8));
    }
}
