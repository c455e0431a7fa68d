package net.zcc.contract;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The canonical name of a host: lower-case hex of the first 16 bytes of SHA-256 over its 32-byte
 * X25519 static public key. Both sides use this one rule: the agent names itself and its peers by
 * it (enrollment, relay sends), the key server stores, certifies and revokes by it. Revocation
 * names this id, not a certificate fingerprint, so a host cannot escape revocation by getting a
 * new certificate for the same key.
 */
public record KeyId(String hex) {
    /** Length of an X25519 public key in bytes. */
    public static final int X25519_KEY_BYTES = 32;
    private static final int ID_BYTES = 16;
    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{" + 2 * ID_BYTES + "}");

    /** Validates the text form: exactly 32 lower-case hex digits. */
    public KeyId {
        if (hex == null || !HEX_ID.matcher(hex).matches()) {
            throw new IllegalArgumentException("a key id is 32 lower-case hex digits");
        }
    }

    /** Derives the key id of an X25519 static public key (32 bytes). */
    public static KeyId of(byte[] x25519PublicKey) {
        if (x25519PublicKey == null || x25519PublicKey.length != X25519_KEY_BYTES) {
            throw new IllegalArgumentException("an X25519 public key is 32 bytes");
        }
        return digest(x25519PublicKey);
    }

    /**
     * The same rule over other public material: an administrator has no X25519 key, so the key
     * server names it by the digest of its TLS public key's DER encoding instead.
     */
    public static KeyId digest(byte[] publicMaterial) {
        try {
            byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(publicMaterial);
            return new KeyId(HexFormat.of().formatHex(sha256, 0, ID_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return hex;
    }
}
