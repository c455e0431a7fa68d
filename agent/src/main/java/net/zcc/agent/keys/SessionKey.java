package net.zcc.agent.keys;

import java.util.Arrays;

/**
 * A pairwise session key K and its 32-bit id (PROTOCOL.md 4).
 *
 * @param id the key id carried in the OFFER option
 * @param key the 32-byte key; the array is shared, callers must not modify it
 */
public record SessionKey(int id, byte[] key) {

    /** Key length in bytes. */
    public static final int LENGTH = 32;

    /** Checks the key length. */
    public SessionKey {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("a session key is 32 bytes");
        }
    }

    /** Compares the id and the key bytes (a record would compare array identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SessionKey k && k.id == id && java.security.MessageDigest.isEqual(k.key, key);
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(id); // never derived from key bytes
    }

    /** Prints the id only: keys must never reach a log. */
    @Override
    public String toString() {
        return String.format("SessionKey[id=%08x, key=hidden]", id);
    }

    /** Overwrites the key bytes, for a key that is being retired. */
    public void wipe() {
        Arrays.fill(key, (byte) 0);
    }
}
