package net.zcc.contract.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.zcc.contract.KeyId;
import org.junit.jupiter.api.Test;

/** The send and poll bodies byte for byte, the round trip, and malformed bodies refused whole. */
class RelayWireTest {

    private static final byte[] A = key(0x11);
    private static final byte[] B = key(0x22);

    @Test
    void framesRoundTripByteForByte() throws Exception {
        byte[] body = RelayWire.encode(List.of(new RelayWire.Frame(A, new byte[] {1, 2, 3}),
                new RelayWire.Frame(B, new byte[] {4})));
        assertEquals("11".repeat(32) + "0003" + "010203" + "22".repeat(32) + "0001" + "04",
                HexFormat.of().formatHex(body));
        List<RelayWire.Frame> frames = RelayWire.decode(body);
        assertEquals(2, frames.size());
        assertArrayEquals(A, frames.get(0).senderKey());
        assertArrayEquals(new byte[] {1, 2, 3}, frames.get(0).message());
        assertArrayEquals(B, frames.get(1).senderKey());
        assertEquals(List.of(), RelayWire.decode(new byte[0]), "an empty body is a poll timeout");
    }

    @Test
    void frameIsStaticKeyThenBigEndianLengthThenMessage() throws Exception {
        byte[] message = new byte[300];
        Arrays.fill(message, (byte) 0x77);
        byte[] frame = RelayWire.encode(List.of(new RelayWire.Frame(A, message.clone())));
        assertEquals(34, RelayWire.FRAME_HEADER_BYTES);
        assertArrayEquals(A, Arrays.copyOfRange(frame, 0, 32));
        assertEquals("012c", HexFormat.of().formatHex(frame, 32, 34), "300, unsigned big-endian");
        assertArrayEquals(message, Arrays.copyOfRange(frame, 34, frame.length));
        assertEquals(1024, RelayWire.decode(RelayWire.encode(List.of(new RelayWire.Frame(B, new byte[1024]))))
                .get(0).message().length);
    }

    @Test
    void malformedBodiesAreRefusedWhole() {
        byte[] good = RelayWire.encode(List.of(new RelayWire.Frame(A, new byte[] {9, 9})));
        for (int cut = 1; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(RelayWire.MalformedFrameException.class, () -> RelayWire.decode(truncated), "cut " + cut);
        }
        byte[] zeroLength = Arrays.copyOf(good, RelayWire.FRAME_HEADER_BYTES);
        zeroLength[32] = 0;
        zeroLength[33] = 0;
        assertThrows(RelayWire.MalformedFrameException.class, () -> RelayWire.decode(zeroLength));
        byte[] tooLong = good.clone();
        tooLong[33] = 3; // claims 3 bytes, 2 follow
        assertThrows(RelayWire.MalformedFrameException.class, () -> RelayWire.decode(tooLong));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(RelayWire.MalformedFrameException.class, () -> RelayWire.decode(trailing));
    }

    @Test
    void aBadFrameAfterAGoodOneIsRefusedAtItsOffset() {
        byte[] message = {5, 6, 7};
        byte[] good = RelayWire.encode(List.of(new RelayWire.Frame(A, message)));
        byte[] body = Arrays.copyOf(good, good.length + RelayWire.FRAME_HEADER_BYTES - 1); // a second, cut header
        RelayWire.MalformedFrameException e = assertThrows(RelayWire.MalformedFrameException.class,
                () -> RelayWire.decode(body));
        assertEquals("truncated frame header at offset " + good.length, e.getMessage());
    }

    @Test
    void sendBodyIsOurKeyThenTheMessage() {
        assertEquals("11".repeat(32) + "0a0b", HexFormat.of().formatHex(RelayWire.sendBody(A, new byte[] {10, 11})));
        assertEquals(33, RelayWire.MIN_SEND_BODY);
        assertThrows(IllegalArgumentException.class, () -> RelayWire.sendBody(A, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> RelayWire.sendBody(A, new byte[65536]));
        assertThrows(IllegalArgumentException.class, () -> RelayWire.sendBody(new byte[16], new byte[1]));
    }

    @Test
    void pathsAreTheServersMounts() {
        assertEquals("/relay/poll", RelayWire.POLL_PATH);
        KeyId to = KeyId.of(B);
        assertEquals("/relay/send/" + to.hex(), RelayWire.sendPath(to));
    }

    @Test
    void aFrameShowsItsSenderAndLengthNeverItsContent() {
        String shown = new RelayWire.Frame(A, "secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toString();
        assertEquals("Frame[from=" + KeyId.of(A) + ", 6 bytes]", shown);
    }

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }
}
