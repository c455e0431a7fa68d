package net.zcc.agent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PROTOCOL.md 6: the SIV sealing's promises. Distinct contents get distinct keystreams even at one
 * offset (the sendfile/splice retransmission case), a retransmission of the same bytes repeats
 * its ciphertext, and a wiped direction holds no key any more.
 */
class KeystreamPropertiesTest {

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return k;
    }

    private static byte[] head(long relSeq, int len) {
        byte[] h = new byte[MacInput.LENGTH];
        MacInput.write(h, 0, 0, 3, 0x18, relSeq, 1, 502, 0, len, len);
        return h;
    }

    /** Seals {@code plain} at {@code relSeq}; returns tag ‖ ciphertext. */
    private static byte[] seal(DirectionCipher d, long relSeq, byte[] plain) {
        byte[] buf = plain.clone();
        byte[] tag = new byte[12];
        d.seal(head(relSeq, buf.length), 0, MacInput.LENGTH, relSeq, buf, 0, buf.length, tag, 0, 12);
        byte[] out = Arrays.copyOf(tag, 12 + buf.length);
        System.arraycopy(buf, 0, out, 12, buf.length);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void otherContentAtTheSameOffsetNeverReusesTheKeystream(int suite) {
        // The kernel retransmits whatever the page holds now (sendfile, splice, MSG_ZEROCOPY): two
        // different plaintexts at one offset. XOR of the ciphertexts must not be XOR of the plaintexts.
        DirectionCipher d = CipherSuites.byNumber(suite).direction(key(1), key(2));
        Random r = new Random(suite);
        byte[] p1 = new byte[1448];
        r.nextBytes(p1);
        byte[] p2 = p1.clone();
        p2[700] ^= 0x01; // one bit of the file rewritten in place
        byte[] c1 = seal(d, 5000, p1);
        byte[] c2 = seal(d, 5000, p2);
        int sameXor = 0;
        for (int i = 0; i < 1448; i++) {
            if ((c1[12 + i] ^ c2[12 + i]) == (p1[i] ^ p2[i])) {
                sameXor++;
            }
        }
        assertTrue(sameXor < 40, "ciphertext XOR equals plaintext XOR in " + sameXor + " of 1448 bytes (chance: ~6)");
        assertFalse(Arrays.equals(c1, 0, 12, c2, 0, 12), "other content, other tag");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void retransmissionOfTheSameBytesRepeatsTheCiphertext(int suite) {
        byte[] ek = key(3);
        byte[] mk = key(4);
        DirectionCipher d = CipherSuites.byNumber(suite).direction(ek, mk);
        DirectionCipher other = CipherSuites.byNumber(suite).direction(ek, mk);
        byte[] stream = new byte[3000];
        new Random(7).nextBytes(stream);
        byte[] first = seal(d, 1000, Arrays.copyOfRange(stream, 1000, 2448));
        assertArrayEquals(first, seal(d, 1000, Arrays.copyOfRange(stream, 1000, 2448)));
        assertArrayEquals(first, seal(other, 1000, Arrays.copyOfRange(stream, 1000, 2448)), "another connection object agrees");
        byte[] rebounded = seal(d, 1000, Arrays.copyOfRange(stream, 1000, 2000));
        assertFalse(Arrays.equals(first, 12, 1012, rebounded, 12, 1012), "other boundaries, other keystream");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void everySegmentIdentityHasItsOwnKeystream(int suite) {
        SivDirection d = (SivDirection) CipherSuites.byNumber(suite).direction(key(5), key(6));
        Set<String> blocks = new HashSet<>();
        int count = 0;
        byte[] nonce = new byte[12];
        byte[] tag = new byte[12];
        for (int t = 0; t < 8; t++) {
            tag[t % 12] ^= (byte) (1 << t);
            for (long rs : new long[] {0, 1, 1448, 0xffffffffL, 0x100000000L, -1L}) {
                KeystreamNonce.write(nonce, tag, 0, rs);
                byte[] buf = new byte[128];
                d.keystreamXor(nonce, buf, 0, buf.length);
                blocks.add(HexFormat.of().formatHex(buf, 0, 64));
                blocks.add(HexFormat.of().formatHex(buf, 64, 128));
                count += 2;
            }
        }
        assertEquals(count, blocks.size(), "a keystream block repeated across segment identities");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aSealedSegmentNeedsATagLongEnoughToNameItsKeystream(int suite) {
        DirectionCipher d = CipherSuites.byNumber(suite).direction(key(1), key(2));
        byte[] buf = new byte[16];
        assertThrows(IllegalArgumentException.class,
                () -> d.seal(head(0, 16), 0, MacInput.LENGTH, 0, buf, 0, 16, new byte[12], 0, 6));
        assertThrows(IllegalArgumentException.class, () -> CipherSuites.byNumber(suite).direction(new byte[16], key(2)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aWipedDirectionSealsNothingItsKeyCouldOpen(int suite) {
        DirectionCipher d = CipherSuites.byNumber(suite).direction(key(8), key(9));
        DirectionCipher peer = CipherSuites.byNumber(suite).direction(key(8), key(9));
        byte[] before = seal(d, 0, new byte[64]);
        d.wipe();
        byte[] after = seal(d, 0, new byte[64]);
        assertNotEquals(HexFormat.of().formatHex(before), HexFormat.of().formatHex(after), "the keyed state is gone");
        byte[] zeroKeyed = seal(CipherSuites.byNumber(suite).direction(new byte[32], new byte[32]), 0, new byte[64]);
        assertArrayEquals(zeroKeyed, after, "what remains is keyed with zeros");
        byte[] ct = Arrays.copyOfRange(before, 12, before.length);
        assertTrue(peer.open(head(0, 64), 0, MacInput.LENGTH, 0, ct, 0, 64, before, 0, 12));
    }
}
