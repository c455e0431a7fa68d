package net.zcc.agent.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA-256 (RFC 5869) on the JDK's HMAC; used once per connection, never per packet. */
final class Hkdf {

    private static final int HASH_LEN = 32;
    /** One HMAC object per thread: a new connection derives its keys without a provider lookup. */
    private static final ThreadLocal<Mac> HMACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HMAC-SHA-256", e);
        }
    });

    private Hkdf() {
    }

    /** Extract-then-expand: returns {@code length} bytes of output keying material. */
    static byte[] deriveSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LEN) {
            throw new IllegalArgumentException("HKDF-SHA-256 output length must be 1 to 8160: " + length);
        }
        try {
            Mac hmac = HMACS.get();
            // RFC 5869 2.2: an absent salt is HashLen zero bytes.
            byte[] saltOrZeros = salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt;
            hmac.init(new SecretKeySpec(saltOrZeros, "HmacSHA256"));
            byte[] prk = hmac.doFinal(ikm);
            return expand(hmac, prk, info, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HMAC-SHA-256", e);
        }
    }

    private static byte[] expand(Mac hmac, byte[] prk, byte[] info, int length) throws GeneralSecurityException {
        hmac.init(new SecretKeySpec(prk, "HmacSHA256"));
        byte[] okm = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            hmac.update(t);
            hmac.update(info);
            hmac.update((byte) i);
            t = hmac.doFinal();
            int n = Math.min(HASH_LEN, length - done);
            System.arraycopy(t, 0, okm, done, n);
            done += n;
        }
        java.util.Arrays.fill(prk, (byte) 0);
        return okm;
    }
}
