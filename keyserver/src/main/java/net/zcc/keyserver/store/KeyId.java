package net.zcc.keyserver.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The canonical id of a host: lower-case hex of the first 16 bytes of SHA-256 over its
 * 32-byte X25519 static public key. Revocation names this id, not a certificate fingerprint,
 * so a host cannot escape revocation by getting a new certificate for the same key.
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
        byte[] digest = sha256(x25519PublicKey);
        return new KeyId(HexFormat.of().formatHex(digest, 0, ID_BYTES));
    }

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return hex;
    }
}
