package net.zcc.agent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressorTest {

    private static final byte[] TEXT = ("{\"user\":\"alice\",\"items\":[{\"id\":1,\"name\":\"widget\"},"
            + "{\"id\":2,\"name\":\"gadget\"}],\"note\":\"The quick brown fox jumps over the lazy dog.\"}\n")
            .repeat(12).substring(0, 1448).getBytes(StandardCharsets.US_ASCII);

    private final Compressor c = new Compressor();

    @Test
    void textRoundTripsAndIsDeterministic() throws Exception {
        byte[] out = new byte[2000];
        int n = c.compress(TEXT, 0, TEXT.length, out, 5);
        assertTrue(n > 0 && n + Compressor.LENGTH_PREFIX < TEXT.length, "compressible: " + n);
        byte[] again = new byte[2000];
        assertEquals(n, new Compressor().compress(TEXT, 0, TEXT.length, again, 5));
        assertArrayEquals(out, again, "same input, same bytes (PROTOCOL.md 6.2)");
        byte[] back = new byte[1448 + 3];
        c.decompress(out, 5, n, back, 3, TEXT.length);
        assertArrayEquals(TEXT, Arrays.copyOfRange(back, 3, back.length));
    }

    @Test
    void incompressibleAndTinyPayloadsAreSentAsIs() {
        byte[] random = new byte[1448];
        new Random(3).nextBytes(random);
        byte[] out = new byte[2000];
        assertEquals(-1, c.compress(random, 0, random.length, out, 0));
        assertEquals(-1, c.compress(new byte[3], 0, 3, out, 0));
        assertEquals(-1, c.compress(new byte[0], 0, 0, out, 0));
    }

    @Test
    void wrongOriginalLengthIsRefused() {
        byte[] out = new byte[2000];
        int n = c.compress(TEXT, 0, TEXT.length, out, 0);
        byte[] back = new byte[70000];
        assertThrows(CompressionException.class, () -> c.decompress(out, 0, n, back, 0, TEXT.length - 1));
        assertThrows(CompressionException.class, () -> c.decompress(out, 0, n, back, 0, TEXT.length + 1));
        assertThrows(CompressionException.class, () -> c.decompress(out, 0, n, new byte[100], 0, TEXT.length));
        assertThrows(CompressionException.class, () -> c.decompress(out, 0, n, back, 0, 70000));
        assertThrows(CompressionException.class, () -> c.decompress(out, 0, 0, back, 0, 10));
    }

    /** Hostile input: only CompressionException may come out, and never a write past origLen. */
    @Test
    void garbageAndMutatedBlocksOnlyEverThrowTheCheckedException() {
        Random r = new Random(11);
        byte[] valid = new byte[2000];
        int n = c.compress(TEXT, 0, TEXT.length, valid, 0);
        byte[] back = new byte[1448 + 16];
        for (int i = 0; i < 20000; i++) {
            byte[] in;
            if (i % 2 == 0) {
                in = new byte[1 + r.nextInt(1500)];
                r.nextBytes(in);
            } else {
                in = Arrays.copyOf(valid, Math.max(1, n - r.nextInt(4)));
                in[r.nextInt(in.length)] ^= (byte) (1 + r.nextInt(255));
            }
            Arrays.fill(back, (byte) 0x77);
            int origLen = r.nextInt(1449);
            try {
                c.decompress(in, 0, in.length, back, 0, origLen);
            } catch (CompressionException expected) {
                // dropped and counted as BAD_COMPRESSION by the caller
            }
            for (int k = origLen; k < back.length; k++) {
                assertEquals((byte) 0x77, back[k], "wrote past origLen");
            }
        }
    }
}
