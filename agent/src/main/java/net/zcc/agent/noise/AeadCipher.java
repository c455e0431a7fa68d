package net.zcc.agent.noise;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * The two Noise cipher functions (spec section 12.3 and 12.4), both from SunJCE. They differ
 * only in the algorithm names and in the byte order of the 64-bit counter in the 96-bit nonce.
 */
enum AeadCipher {

    /** AES-256-GCM; nonce = 32 zero bits, then n big-endian. */
    AESGCM("AES/GCM/NoPadding", "AES", ByteOrder.BIG_ENDIAN) {
        @Override
        AlgorithmParameterSpec parameters(byte[] nonce) {
            return new GCMParameterSpec(NoiseProtocol.TAG_LENGTH * 8, nonce);
        }
    },

    /** ChaCha20-Poly1305 (RFC 8439); nonce = 32 zero bits, then n little-endian. */
    CHACHAPOLY("ChaCha20-Poly1305", "ChaCha20", ByteOrder.LITTLE_ENDIAN) {
        @Override
        AlgorithmParameterSpec parameters(byte[] nonce) {
            return new IvParameterSpec(nonce);
        }
    };

    static final int NONCE_LENGTH = 12;

    private final String transformation;
    private final String keyAlgorithm;
    private final ByteOrder counterOrder;

    AeadCipher(String transformation, String keyAlgorithm, ByteOrder counterOrder) {
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
        this.counterOrder = counterOrder;
    }

    /** The JCE parameters for one 12-byte nonce. */
    abstract AlgorithmParameterSpec parameters(byte[] nonce);

    /** The 12-byte nonce for counter n: 4 zero bytes, then n in this cipher's byte order. */
    byte[] nonce(long n) {
        byte[] nonce = new byte[NONCE_LENGTH];
        ByteBuffer.wrap(nonce, 4, 8).order(counterOrder).putLong(n);
        return nonce;
    }

    String keyAlgorithm() {
        return keyAlgorithm;
    }

    /** A fresh JCE cipher; SunJCE has both since Java 11, so a failure is a broken JDK. */
    Cipher newJceCipher() {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + transformation, e);
        }
    }
}
