package net.zcc.agent.noise;

import java.util.Optional;

/**
 * The Noise protocols this package implements: pattern KK, DH 25519, hash SHA-256, and either
 * AES-GCM or ChaCha20-Poly1305 (DESIGN.md 5). The protocol name is hashed into the handshake, so
 * both sides must pick the same constant.
 */
public enum NoiseProtocol {

    /** {@code Noise_KK_25519_AESGCM_SHA256}. */
    KK_25519_AESGCM_SHA256("Noise_KK_25519_AESGCM_SHA256", AeadCipher.AESGCM),

    /** {@code Noise_KK_25519_ChaChaPoly_SHA256}. */
    KK_25519_CHACHAPOLY_SHA256("Noise_KK_25519_ChaChaPoly_SHA256", AeadCipher.CHACHAPOLY);

    /** Largest Noise message, handshake or transport, in bytes (spec section 3). */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    /** DHLEN for 25519: the length of public keys and of DH outputs. */
    public static final int DH_LENGTH = 32;

    /** HASHLEN for SHA-256. */
    public static final int HASH_LENGTH = 32;

    /** Length of the AEAD authentication tag, both ciphers. */
    public static final int TAG_LENGTH = 16;

    /** Largest transport payload: a maximal message minus the tag. */
    public static final int MAX_PAYLOAD_LENGTH = MAX_MESSAGE_LENGTH - TAG_LENGTH;

    private final String protocolName;
    private final AeadCipher cipher;

    NoiseProtocol(String protocolName, AeadCipher cipher) {
        this.protocolName = protocolName;
        this.cipher = cipher;
    }

    /** The full protocol name, e.g. {@code Noise_KK_25519_AESGCM_SHA256}. */
    public String protocolName() {
        return protocolName;
    }

    /** The protocol with this exact name, or empty if this package does not implement it. */
    public static Optional<NoiseProtocol> forName(String name) {
        for (NoiseProtocol p : values()) {
            if (p.protocolName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    AeadCipher cipher() {
        return cipher;
    }
}
