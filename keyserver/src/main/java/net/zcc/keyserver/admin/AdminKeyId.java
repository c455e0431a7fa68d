package net.zcc.keyserver.admin;

import java.security.PublicKey;
import net.zcc.contract.KeyId;

/**
 * The key id of an administrator: lower-case hex of the first 16 bytes of SHA-256 over the DER
 * encoding (X.509 SubjectPublicKeyInfo, {@link PublicKey#getEncoded()}) of the admin's TLS public
 * key.
 *
 * <p>Why this form: the rest of the key server names every caller by a 16-byte {@link KeyId}
 * (certificate CN and {@code zcc:host:} URI SAN, revocation, the admin set), and a host's id is
 * derived from its X25519 static key. An admin has no X25519 key, so its id is derived the same
 * way from the only key it has. The two preimages differ in form (a raw 32-byte X25519 key
 * against a 91-byte P-256 SubjectPublicKeyInfo), so an admin id cannot be mistaken for a host's
 * short of a SHA-256 second preimage.
 */
public final class AdminKeyId {

    private AdminKeyId() { }

    /** The admin key id of {@code tlsPublicKey}. */
    public static KeyId of(PublicKey tlsPublicKey) {
        byte[] der = tlsPublicKey.getEncoded();
        if (der == null) {
            throw new IllegalArgumentException("the public key has no X.509 encoding");
        }
        return KeyId.digest(der);
    }
}
