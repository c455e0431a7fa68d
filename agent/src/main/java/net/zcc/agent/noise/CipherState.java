package net.zcc.agent.noise;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise CipherState (spec section 5.1): a key k, possibly empty, and a 64-bit counter n used
 * as the AEAD nonce. Not thread-safe.
 *
 * <p>Encryption and decryption use separate JCE ciphers: SunJCE refuses to initialise a cipher
 * for encryption with the key and nonce of its previous initialisation, and with one object per
 * direction that can only happen on a real nonce reuse, which it then rightly refuses. Java 17's
 * ChaCha20-Poly1305 refuses the same key and nonce for decryption too, so after a failed
 * decryption (a forged message) the decryptor is dropped: the genuine message at the same nonce
 * must still decrypt.
 */
public final class CipherState {

    /** 2^64 - 1 as an unsigned long: reserved by the spec, never used as a nonce. */
    private static final long RESERVED_NONCE = -1L;

    private final AeadCipher cipher;
    private byte[] k; // null when empty
    private long n;
    private Cipher encryptor;
    private Cipher decryptor;
    private boolean wiped;

    CipherState(AeadCipher cipher) {
        this.cipher = Objects.requireNonNull(cipher);
    }

    /** InitializeKey: sets k (copied, or empty if null) and n = 0; the old key is wiped. */
    void initializeKey(byte[] key) {
        clearKey();
        k = key == null ? null : Arrays.copyOf(key, NoiseProtocol.DH_LENGTH);
    }

    /** True once a key has been set and until it is wiped. */
    public boolean hasKey() {
        return k != null;
    }

    /** SetNonce: for tests of nonce exhaustion only; Noise KK never needs it. */
    void setNonce(long nonce) {
        n = nonce;
    }

    /**
     * EncryptWithAd: the ciphertext with its 16-byte tag, or a copy of the plaintext if the key
     * is empty.
     *
     * @throws NoiseException if the nonces are exhausted or the JCE refuses (a nonce reuse)
     */
    public byte[] encryptWithAd(byte[] ad, byte[] plaintext) throws NoiseException {
        Objects.requireNonNull(ad);
        Objects.requireNonNull(plaintext);
        checkUsable();
        if (k == null) {
            return plaintext.clone();
        }
        try {
            if (encryptor == null) {
                encryptor = cipher.newJceCipher();
            }
            byte[] out = run(encryptor, Cipher.ENCRYPT_MODE, ad, plaintext);
            n++;
            return out;
        } catch (GeneralSecurityException e) {
            throw new NoiseException("encryption refused at nonce " + Long.toUnsignedString(n), e);
        }
    }

    /**
     * DecryptWithAd: the plaintext, or a copy of the ciphertext if the key is empty. On failure n
     * is unchanged, so a forged message does not desynchronise an honest stream.
     *
     * @throws NoiseException if the tag does not verify, the input is shorter than a tag, or the
     *     nonces are exhausted
     */
    public byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws NoiseException {
        Objects.requireNonNull(ad);
        Objects.requireNonNull(ciphertext);
        checkUsable();
        if (k == null) {
            return ciphertext.clone();
        }
        if (ciphertext.length < NoiseProtocol.TAG_LENGTH) {
            throw new NoiseException("ciphertext of " + ciphertext.length + " bytes is shorter than a tag");
        }
        try {
            if (decryptor == null) {
                decryptor = cipher.newJceCipher();
            }
            byte[] out = run(decryptor, Cipher.DECRYPT_MODE, ad, ciphertext);
            n++;
            return out;
        } catch (AEADBadTagException e) {
            decryptor = null; // see below
            throw new NoiseException("bad authentication tag at nonce " + Long.toUnsignedString(n), e);
        } catch (GeneralSecurityException e) {
            decryptor = null;
            throw new NoiseException("decryption failed at nonce " + Long.toUnsignedString(n), e);
        }
    }

    private void checkUsable() throws NoiseException {
        if (wiped) {
            throw new NoiseException("cipher state was wiped");
        }
        if (k != null && n == RESERVED_NONCE) {
            throw new NoiseException("nonces exhausted");
        }
    }

    private byte[] run(Cipher c, int mode, byte[] ad, byte[] input) throws GeneralSecurityException {
        // SecretKeySpec and the JCE keep copies of k that cannot be wiped; they die with c.
        c.init(mode, new SecretKeySpec(k, cipher.keyAlgorithm()), cipher.parameters(cipher.nonce(n)));
        c.updateAAD(ad);
        return c.doFinal(input);
    }

    /** Overwrites the key; every later encrypt or decrypt call fails. */
    public void wipe() {
        clearKey();
        wiped = true;
    }

    private void clearKey() {
        if (k != null) {
            Arrays.fill(k, (byte) 0);
            k = null;
        }
        n = 0;
        encryptor = null;
        decryptor = null;
    }

    /** The cipher and whether a key is set; never the key. */
    @Override
    public String toString() {
        String key = wiped ? "wiped" : k == null ? "empty" : "hidden";
        return "CipherState[" + cipher + ", key=" + key
                + ", n=" + Long.toUnsignedString(n) + "]";
    }
}
