package net.zcc.agent.remote;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import net.zcc.agent.keys.PeerKey;

/**
 * A host's name on the key server: lower-case hex of the first 16 bytes of SHA-256 over its
 * 32-byte X25519 static public key (the same rule as the key server's {@code KeyId.of}; the agent
 * does not link the key server's code, so the rule is repeated here and pinned by a test).
 */
public final class HostKeyId {

    private static final int ID_BYTES = 16;

    private HostKeyId() {
    }

    /** The key id of {@code key}. */
    public static String of(PeerKey key) {
        return of(key.bytes());
    }

    /** The key id of a 32-byte X25519 public key. */
    public static String of(byte[] x25519PublicKey) {
        if (x25519PublicKey == null || x25519PublicKey.length != PeerKey.LENGTH) {
            throw new IllegalArgumentException("an X25519 public key is 32 bytes");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(x25519PublicKey);
            return HexFormat.of().formatHex(digest, 0, ID_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** True if {@code text} has the form of a key id (32 lower-case hex digits). */
    static boolean isWellFormed(String text) {
        return text != null && text.matches("[0-9a-f]{32}");
    }
}
