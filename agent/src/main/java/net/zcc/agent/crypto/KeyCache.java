package net.zcc.agent.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers the last raw key a worker used, so consecutive segments of one connection skip
 * the key setup (a worker typically sees runs of packets of the same connection).
 */
final class KeyCache {

    private final String algorithm;
    private final byte[] last = new byte[32];
    private SecretKeySpec spec;

    KeyCache(String algorithm) {
        this.algorithm = algorithm;
    }

    /** True if {@code key} equals the cached key. Constant time: keys are secrets. */
    boolean isCurrent(byte[] key) {
        return spec != null && MessageDigest.isEqual(key, last);
    }

    /** Caches {@code key} (must be 32 bytes) and returns its JCE form. */
    SecretKeySpec update(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("key must be 32 bytes, not " + key.length);
        }
        System.arraycopy(key, 0, last, 0, 32);
        spec = new SecretKeySpec(key, algorithm);
        return spec;
    }

    /** The JCE form of {@code key}, from the cache when it is unchanged. */
    SecretKeySpec spec(byte[] key) {
        return isCurrent(key) ? spec : update(key);
    }

    /** Forgets the cached key (not the JCE object's copy, which the JDK owns). */
    void clear() {
        Arrays.fill(last, (byte) 0);
        spec = null;
    }
}
