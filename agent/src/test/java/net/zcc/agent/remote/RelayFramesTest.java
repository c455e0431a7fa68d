package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.zcc.agent.keys.PeerKey;
import net.zcc.keyserver.store.KeyId;
import org.junit.jupiter.api.Test;

/** The relay wire formats byte for byte, the backoff schedule and the key id rule. */
class RelayFramesTest {

    private static final PeerKey A = key(0x11);
    private static final PeerKey B = key(0x22);

    @Test
    void framesRoundTripByteForByte() throws Exception {
        byte[] body = RelayFrames.encode(List.of(new RelayFrames.Frame(A, new byte[] {1, 2, 3}),
                new RelayFrames.Frame(B, new byte[] {4})));
        assertEquals("11".repeat(32) + "0003" + "010203" + "22".repeat(32) + "0001" + "04",
                HexFormat.of().formatHex(body));
        List<RelayFrames.Frame> frames = RelayFrames.decode(body);
        assertEquals(2, frames.size());
        assertEquals(A, frames.get(0).from());
        assertArrayEquals(new byte[] {1, 2, 3}, frames.get(0).message());
        assertEquals(B, frames.get(1).from());
        assertEquals(List.of(), RelayFrames.decode(new byte[0]), "an empty body is a poll timeout");
    }

    @Test
    void malformedBodiesAreRefusedWhole() {
        byte[] good = RelayFrames.encode(List.of(new RelayFrames.Frame(A, new byte[] {9, 9})));
        for (int cut = 1; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(RelayFrames.MalformedFrameException.class, () -> RelayFrames.decode(truncated), "cut " + cut);
        }
        byte[] zeroLength = Arrays.copyOf(good, RelayFrames.HEADER_BYTES);
        zeroLength[32] = 0;
        zeroLength[33] = 0;
        assertThrows(RelayFrames.MalformedFrameException.class, () -> RelayFrames.decode(zeroLength));
        byte[] tooLong = good.clone();
        tooLong[33] = 3; // claims 3 bytes, 2 follow
        assertThrows(RelayFrames.MalformedFrameException.class, () -> RelayFrames.decode(tooLong));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(RelayFrames.MalformedFrameException.class, () -> RelayFrames.decode(trailing));
    }

    @Test
    void sendBodyIsOurKeyThenTheMessage() {
        assertEquals("11".repeat(32) + "0a0b", HexFormat.of().formatHex(RelayFrames.sendBody(A, new byte[] {10, 11})));
        assertThrows(IllegalArgumentException.class, () -> RelayFrames.sendBody(A, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> RelayFrames.sendBody(A, new byte[65536]));
    }

    @Test
    void keyIdIsTheKeyServersRule() {
        for (int i = 0; i < 5; i++) {
            PeerKey k = key(i * 37);
            assertEquals(KeyId.of(k.bytes()).hex(), HostKeyId.of(k));
        }
    }

    @Test
    void backoffDoublesFrom100msTo5sAndResets() {
        Backoff b = new Backoff();
        long[] expected = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long ms : expected) {
            assertEquals(Duration.ofMillis(ms), b.next());
        }
        b.reset();
        assertEquals(Duration.ofMillis(100), b.next());
    }

    private static PeerKey key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return PeerKey.of(k);
    }
}
