package net.zcc.agent.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise SymmetricState (spec section 5.2): the chaining key ck, the handshake hash h and a
 * CipherState, with SHA-256 and HKDF over HMAC-SHA-256 (section 4.3). Not thread-safe.
 */
final class SymmetricState {

    private static final int HASH_LENGTH = NoiseProtocol.HASH_LENGTH;

    private final AeadCipher cipher;
    private final CipherState cs;
    private final MessageDigest sha256;
    private final Mac hmac;
    private final byte[] ck = new byte[HASH_LENGTH];
    private final byte[] h = new byte[HASH_LENGTH];

    /** InitializeSymmetric: h = name padded with zeros to 32 bytes, or SHA-256(name); ck = h. */
    SymmetricState(NoiseProtocol protocol) {
        cipher = protocol.cipher();
        cs = new CipherState(cipher);
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
            hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks SHA-256", e);
        }
        byte[] name = protocol.protocolName().getBytes(StandardCharsets.US_ASCII);
        byte[] initial = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256.digest(name);
        System.arraycopy(initial, 0, h, 0, HASH_LENGTH);
        System.arraycopy(initial, 0, ck, 0, HASH_LENGTH);
    }

    /** MixKey: ck, temp_k = HKDF(ck, ikm, 2); the CipherState gets temp_k. */
    void mixKey(byte[] ikm) {
        byte[][] out = hkdf2(ck, ikm);
        System.arraycopy(out[0], 0, ck, 0, HASH_LENGTH);
        cs.initializeKey(out[1]);
        wipe(out);
    }

    /** MixHash: h = SHA-256(h ‖ data). */
    void mixHash(byte[] data) {
        sha256.update(h);
        sha256.update(data);
        System.arraycopy(sha256.digest(), 0, h, 0, HASH_LENGTH);
    }

    /** EncryptAndHash: c = EncryptWithAd(h, plaintext); MixHash(c). */
    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] c = cs.encryptWithAd(h, plaintext);
        mixHash(c);
        return c;
    }

    /** DecryptAndHash: p = DecryptWithAd(h, c); MixHash(c). h is unchanged on failure. */
    byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] p = cs.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return p;
    }

    /** Split: HKDF(ck, empty, 2) keys two CipherStates, initiator-to-responder first. */
    CipherState[] split() {
        byte[][] out = hkdf2(ck, new byte[0]);
        CipherState c1 = new CipherState(cipher);
        CipherState c2 = new CipherState(cipher);
        c1.initializeKey(out[0]);
        c2.initializeKey(out[1]);
        wipe(out);
        return new CipherState[] {c1, c2};
    }

    /**
     * An extra key exported from the final chaining key: the first output of HKDF(ck, label).
     * {@code split()} uses an empty IKM, so a non-empty label gives a key independent of the
     * transport keys (ZCC's session key, PROTOCOL.md 4).
     */
    byte[] exportKey(byte[] label) {
        byte[][] out = hkdf2(ck, label);
        Arrays.fill(out[1], (byte) 0);
        return out[0];
    }

    /** A copy of h, the handshake hash (for channel binding; not a secret). */
    byte[] handshakeHash() {
        return h.clone();
    }

    /** Overwrites ck, h and the CipherState's key. */
    void wipe() {
        Arrays.fill(ck, (byte) 0);
        Arrays.fill(h, (byte) 0);
        cs.wipe();
    }

    /** HKDF(chaining_key, ikm) with two outputs, as spec section 4.3 defines it. */
    private byte[][] hkdf2(byte[] chainingKey, byte[] ikm) {
        byte[] temp = hmac(chainingKey, ikm);
        byte[] out1 = hmac(temp, new byte[] {1});
        byte[] in2 = Arrays.copyOf(out1, HASH_LENGTH + 1);
        in2[HASH_LENGTH] = 2;
        byte[] out2 = hmac(temp, in2);
        Arrays.fill(temp, (byte) 0);
        Arrays.fill(in2, (byte) 0);
        return new byte[][] {out1, out2};
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 refused a 32-byte key", e);
        }
        return hmac.doFinal(data);
    }

    private static void wipe(byte[][] arrays) {
        for (byte[] a : arrays) {
            Arrays.fill(a, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "SymmetricState[" + cipher + ", " + cs + "]";
    }
}
