package net.zcc.agent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Published vectors for the primitives under both suites and the key derivation. */
class PrimitiveVectorsTest {

    static List<VectorFile.Vector> hkdf() {
        return VectorFile.load("hkdf-rfc5869.txt");
    }

    static List<VectorFile.Vector> hmac() {
        return VectorFile.load("hmac-rfc4231.txt");
    }

    static List<VectorFile.Vector> blake2s() {
        return VectorFile.load("blake2s-keyed-kat.txt");
    }

    static List<VectorFile.Vector> chacha() {
        return VectorFile.load("chacha20-rfc8439.txt");
    }

    @ParameterizedTest
    @MethodSource("hkdf")
    void hkdfMatchesRfc5869(VectorFile.Vector v) {
        byte[] okm = Hkdf.deriveSha256(v.hex("ikm"), v.hex("salt"), v.hex("info"), v.integer("length"));
        assertArrayEquals(v.hex("okm"), okm);
    }

    /** RFC 4231 keys are not 32 bytes, so this checks the JCE HMAC that Hkdf and suite 1 use. */
    @ParameterizedTest
    @MethodSource("hmac")
    void hmacSha256MatchesRfc4231(VectorFile.Vector v) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(v.hex("key"), "HmacSHA256"));
        assertArrayEquals(v.hex("mac"), mac.doFinal(v.hex("data")));
    }

    /** The chacha20 suite's full 32-byte PRF output is keyed BLAKE2s-256. */
    @ParameterizedTest
    @MethodSource("blake2s")
    void chachaSuitePrfIsKeyedBlake2s(VectorFile.Vector v) {
        SivDirection d = (SivDirection) new ChaCha20Suite().direction(new byte[32], v.hex("key"));
        byte[] input = v.hex("input");
        byte[] out = new byte[32];
        // Split the input between head and payload: the PRF is over their concatenation.
        int split = input.length / 2;
        d.prf(input, 0, split, input, split, input.length - split, out);
        assertArrayEquals(v.hex("hash"), out);
    }

    /** The chacha20 suite's keystream is the RFC 8439 block function with counter j from 0. */
    @ParameterizedTest
    @MethodSource("chacha")
    void chachaKeystreamIsRfc8439BlockFunction(VectorFile.Vector v) {
        int counter = v.integer("counter");
        byte[] buf = new byte[64 * (counter + 1)];
        ((SivDirection) new ChaCha20Suite().direction(v.hex("key"), new byte[32])).keystreamXor(v.hex("nonce"), buf, 0, buf.length);
        assertArrayEquals(v.hex("block"), Arrays.copyOfRange(buf, 64 * counter, buf.length));
    }
}
