package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void backoffDoublesFrom100msTo5sWithJitterAndResets() {
        Backoff b = new Backoff(new java.util.Random(42));
        long[] ceilings = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long ceiling : ceilings) {
            long wait = b.next().toMillis();
            assertEquals(Duration.ofMillis(ceiling), b.ceiling());
            assertTrue(wait >= Math.max(100, ceiling / 2) && wait <= ceiling, wait + " ms for ceiling " + ceiling);
        }
        b.reset();
        assertEquals(Duration.ofMillis(100), b.next(), "the first wait after a reset is 100 ms");
    }

    @Test
    void backoffJitterSpreadsAgentsOut() {
        java.util.Set<Long> waits = new java.util.HashSet<>();
        for (int agent = 0; agent < 20; agent++) {
            Backoff b = new Backoff(new java.util.Random(agent));
            Duration last = null;
            for (int i = 0; i < 8; i++) {
                last = b.next();
                assertTrue(last.compareTo(Backoff.FIRST) >= 0 && last.compareTo(Backoff.MAX) <= 0, last.toString());
            }
            waits.add(last.toMillis());
        }
        assertTrue(waits.size() > 10, "20 agents at the 5 s ceiling do not retry in lockstep: " + waits);
        Backoff unseeded = new Backoff();
        for (int i = 0; i < 100; i++) {
            Duration d = unseeded.next();
            assertTrue(d.compareTo(Backoff.FIRST) >= 0 && d.compareTo(Backoff.MAX) <= 0, d.toString());
        }
    }

    private static PeerKey key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return PeerKey.of(k);
    }
}
