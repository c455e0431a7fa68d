package net.zcc.keyserver.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import net.zcc.contract.KeyId;

/**
 * The X25519 public key a host uses for one scheme (a cipher-suite name such as
 * {@code "aes-256"} or {@code "chacha20"}). Public material only. The array is copied in and
 * out, so the record stays immutable.
 */
public record HostPublicKey(KeyId keyId, String scheme, byte[] publicKey) {
    private static final Pattern SCHEME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    /** Validates the scheme name and the key length and copies the key. */
    public HostPublicKey {
        Objects.requireNonNull(keyId, "keyId");
        requireScheme(scheme);
        if (publicKey == null || publicKey.length != KeyId.X25519_KEY_BYTES) {
            throw new IllegalArgumentException("an X25519 public key is 32 bytes");
        }
        publicKey = publicKey.clone();
    }

    /** Returns a copy of the key bytes. */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Checks a scheme name: 1 to 32 of lower-case letters, digits and '-'. */
    static String requireScheme(String scheme) {
        if (scheme == null || !SCHEME.matcher(scheme).matches()) {
            throw new IllegalArgumentException("a scheme is 1-32 of [a-z0-9-]");
        }
        return scheme;
    }

    String publicKeyHex() {
        return HexFormat.of().formatHex(publicKey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostPublicKey that
                && keyId.equals(that.keyId)
                && scheme.equals(that.scheme)
                && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyId, scheme, Arrays.hashCode(publicKey));
    }

    @Override
    public String toString() {
        return "HostPublicKey[" + keyId + ", " + scheme + ", " + publicKeyHex() + "]";
    }
}
