package net.zcc.agent.noise;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair, static or ephemeral, and the Noise DH function (spec section 12.1) over
 * Bouncy Castle's constant-time RFC 7748 code. The private key stays inside; {@link #wipe()}
 * overwrites it.
 */
public final class NoiseKeyPair {

    /** Length of X25519 private and public keys. */
    public static final int KEY_LENGTH = NoiseProtocol.DH_LENGTH;

    private final byte[] privateKey;
    private final byte[] publicKey;
    private boolean wiped;

    private NoiseKeyPair(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    /**
     * The key pair of a 32-byte X25519 private key (copied; clamping happens in the scalar
     * multiplication, so any 32 bytes will do).
     */
    public static NoiseKeyPair fromPrivateKey(byte[] privateKey) {
        if (privateKey == null || privateKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an X25519 private key is 32 bytes");
        }
        return new NoiseKeyPair(privateKey.clone());
    }

    /** A new random key pair. */
    public static NoiseKeyPair generate(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(Objects.requireNonNull(random), k);
        return new NoiseKeyPair(k);
    }

    /** A copy of the 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * DH(this private key, remote public key). An all-zero result (the remote key is a
     * low-order point) is refused, as the spec allows, so no handshake runs on a known secret.
     *
     * @throws NoiseException if the result is all zeros
     */
    byte[] dh(byte[] remotePublic) throws NoiseException {
        if (wiped) {
            throw new IllegalStateException("key pair was wiped");
        }
        byte[] shared = new byte[KEY_LENGTH];
        if (!X25519.calculateAgreement(privateKey, 0, remotePublic, 0, shared, 0)) {
            throw new NoiseException("remote public key is a low-order point");
        }
        return shared;
    }

    /** Overwrites the private key; the pair cannot be used for DH afterwards. */
    public void wipe() {
        Arrays.fill(privateKey, (byte) 0);
        wiped = true;
    }

    /** Never prints key bytes. */
    @Override
    public String toString() {
        return "NoiseKeyPair[X25519, private=" + (wiped ? "wiped" : "hidden") + "]";
    }
}
