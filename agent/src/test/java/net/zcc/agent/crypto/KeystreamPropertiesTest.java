package net.zcc.agent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PROTOCOL.md 6.2: distinct segment identities give distinct keystreams; retransmissions repeat. */
class KeystreamPropertiesTest {

    private static final long[] REL_SEQS = {0, 1, 1447, 1448, 0xffffffffL, 0x100000000L, -1L};
    private static final int[] LENGTHS = {1, 536, 1447, 1448, 65535};

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void everyIdentityHasItsOwnKeystream(int suite) {
        SegmentCrypto sc = CipherSuites.byNumber(suite).newWorkerInstance();
        byte[] key = new byte[32];
        new Random(suite).nextBytes(key);
        Set<String> blocks = new HashSet<>();
        int count = 0;
        for (int dir = 0; dir < 2; dir++) {
            for (int flags = 0; flags < 2; flags++) {
                for (int len : LENGTHS) {
                    for (long rs : REL_SEQS) {
                        byte[] buf = new byte[128]; // blocks j = 0 and 1
                        sc.keystreamXor(key, dir, flags == 1, len, rs, buf, 0, buf.length);
                        blocks.add(HexFormat.of().formatHex(buf, 0, 64));
                        blocks.add(HexFormat.of().formatHex(buf, 64, 128));
                        count += 2;
                    }
                }
            }
        }
        assertEquals(count, blocks.size(), "a keystream block repeated across identities");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void retransmissionRepeatsCiphertextAndRebounding(int suite) {
        SegmentCrypto sc = CipherSuites.byNumber(suite).newWorkerInstance();
        SegmentCrypto other = CipherSuites.byNumber(suite).newWorkerInstance();
        byte[] key = new byte[32];
        byte[] stream = new byte[3000];
        Random r = new Random(7);
        r.nextBytes(key);
        r.nextBytes(stream);
        byte[] first = Arrays.copyOfRange(stream, 1000, 2448);
        sc.keystreamXor(key, 0, false, 1448, 1000, first, 0, 1448);
        byte[] again = Arrays.copyOfRange(stream, 1000, 2448);
        sc.keystreamXor(key, 0, false, 1448, 1000, again, 0, 1448); // same worker re-inits with same nonce
        assertArrayEquals(first, again);
        byte[] elsewhere = Arrays.copyOfRange(stream, 1000, 2448);
        other.keystreamXor(key, 0, false, 1448, 1000, elsewhere, 0, 1448);
        assertArrayEquals(first, elsewhere, "another worker thread computes the same ciphertext");
        // Retransmitted with other boundaries: the overlapping bytes get another keystream.
        byte[] rebounded = Arrays.copyOfRange(stream, 1000, 2000);
        sc.keystreamXor(key, 0, false, 1000, 1000, rebounded, 0, 1000);
        assertFalse(Arrays.equals(first, 0, 1000, rebounded, 0, 1000));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void rejectsValuesTheCounterBlockCannotHold(int suite) {
        SegmentCrypto sc = CipherSuites.byNumber(suite).newWorkerInstance();
        byte[] key = new byte[32];
        byte[] buf = new byte[16];
        assertThrows(IllegalArgumentException.class, () -> sc.keystreamXor(key, 2, false, 16, 0, buf, 0, 16));
        assertThrows(IllegalArgumentException.class, () -> sc.keystreamXor(key, 0, false, 65536, 0, buf, 0, 16));
        assertThrows(IllegalArgumentException.class, () -> sc.keystreamXor(new byte[16], 0, false, 16, 0, buf, 0, 16));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void workerSwitchesKeysCorrectly(int suite) {
        // The key cache must not return the previous key's keystream or MAC state.
        SegmentCrypto sc = CipherSuites.byNumber(suite).newWorkerInstance();
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        k2[31] = 1;
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        byte[] c = new byte[64];
        sc.keystreamXor(k1, 0, false, 64, 0, a, 0, 64);
        sc.keystreamXor(k2, 0, false, 64, 0, b, 0, 64);
        sc.keystreamXor(k1, 0, false, 64, 0, c, 0, 64);
        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(a, c);
        byte[] t1 = new byte[12];
        byte[] t2 = new byte[12];
        byte[] t3 = new byte[12];
        sc.mac(k1, a, 0, 31, a, 31, 33, t1, 0, 12);
        sc.mac(k2, a, 0, 31, a, 31, 33, t2, 0, 12);
        sc.mac(k1, a, 0, 31, a, 31, 33, t3, 0, 12);
        assertFalse(Arrays.equals(t1, t2));
        assertArrayEquals(t1, t3);
        assertTrue(sc.verify(k1, a, 0, 31, a, 31, 33, t1, 0, 12));
        assertFalse(sc.verify(k2, a, 0, 31, a, 31, 33, t1, 0, 12));
    }
}
