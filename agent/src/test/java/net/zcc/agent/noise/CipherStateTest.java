package net.zcc.agent.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CipherState on its own: nonce layout, empty key, nonce exhaustion, wiping, toString. */
class CipherStateTest {

    private static final byte[] KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] AD = {1, 2, 3};

    @Test
    void aesGcmCounterIsBigEndianAndChaChaPolyLittleEndian() {
        assertEquals("000000000000000000000102", HexFormat.of().formatHex(AeadCipher.AESGCM.nonce(0x0102)));
        assertEquals("000000000201000000000000", HexFormat.of().formatHex(AeadCipher.CHACHAPOLY.nonce(0x0102)));
    }

    @ParameterizedTest
    @EnumSource(AeadCipher.class)
    void emptyKeyPassesDataThrough(AeadCipher cipher) throws NoiseException {
        CipherState cs = new CipherState(cipher);
        assertFalse(cs.hasKey());
        assertArrayEquals(new byte[] {9, 8}, cs.encryptWithAd(AD, new byte[] {9, 8}));
        assertArrayEquals(new byte[] {7}, cs.decryptWithAd(AD, new byte[] {7}));
    }

    @ParameterizedTest
    @EnumSource(AeadCipher.class)
    void roundTripsAndChecksTheAssociatedData(AeadCipher cipher) throws NoiseException {
        CipherState out = keyed(cipher);
        CipherState in = keyed(cipher);
        byte[] c0 = out.encryptWithAd(AD, "hello".getBytes());
        byte[] c1 = out.encryptWithAd(AD, "hello".getBytes());
        assertEquals(5 + NoiseProtocol.TAG_LENGTH, c0.length);
        assertFalse(java.util.Arrays.equals(c0, c1), "each nonce once");
        assertThrows(NoiseException.class, () -> in.decryptWithAd(new byte[] {1, 2, 4}, c0));
        assertArrayEquals("hello".getBytes(), in.decryptWithAd(AD, c0)); // failure kept n = 0
        assertThrows(NoiseException.class, () -> in.decryptWithAd(AD, c0)); // replay: n is now 1
        assertArrayEquals("hello".getBytes(), in.decryptWithAd(AD, c1));
        assertThrows(NoiseException.class, () -> in.decryptWithAd(AD, new byte[15]));
    }

    /** n = 2^64 - 1 is reserved: the last usable nonce is 2^64 - 2, then every call fails. */
    @ParameterizedTest
    @EnumSource(AeadCipher.class)
    void noncesRunOutAtTwoToTheSixtyFourMinusOne(AeadCipher cipher) throws NoiseException {
        CipherState out = keyed(cipher);
        CipherState in = keyed(cipher);
        out.setNonce(-2L);
        in.setNonce(-2L);
        byte[] last = out.encryptWithAd(AD, new byte[4]);
        assertArrayEquals(new byte[4], in.decryptWithAd(AD, last));
        assertThrows(NoiseException.class, () -> out.encryptWithAd(AD, new byte[4]));
        assertThrows(NoiseException.class, () -> in.decryptWithAd(AD, last));
    }

    /** Winding the nonce back is a nonce reuse; the JCE refuses it and so do we, checked. */
    @ParameterizedTest
    @EnumSource(AeadCipher.class)
    void reusingANonceForEncryptionFails(AeadCipher cipher) throws NoiseException {
        CipherState out = keyed(cipher);
        out.encryptWithAd(AD, new byte[4]);
        out.setNonce(0);
        assertThrows(NoiseException.class, () -> out.encryptWithAd(AD, new byte[4]));
    }

    @ParameterizedTest
    @EnumSource(AeadCipher.class)
    void wipedStateRefusesWork(AeadCipher cipher) throws NoiseException {
        CipherState cs = keyed(cipher);
        byte[] c = cs.encryptWithAd(AD, new byte[1]);
        cs.wipe();
        assertFalse(cs.hasKey());
        assertThrows(NoiseException.class, () -> cs.encryptWithAd(AD, new byte[1]));
        assertThrows(NoiseException.class, () -> cs.decryptWithAd(AD, c));
    }

    @Test
    void toStringHidesTheKey() {
        String s = keyed(AeadCipher.AESGCM).toString();
        assertFalse(s.contains("000102030405"), s);
        assertFalse(s.contains("[0, 1, 2"), s);
    }

    private static CipherState keyed(AeadCipher cipher) {
        CipherState cs = new CipherState(cipher);
        cs.initializeKey(KEY);
        return cs;
    }
}
