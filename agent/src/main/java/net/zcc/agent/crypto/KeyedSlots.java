package net.zcc.agent.crypto;

import java.util.function.BiFunction;

/**
 * A worker's keyed JCE objects for the last few keys it used, found by the identity of the key
 * array. A worker alternates between the two directions of a connection (and between
 * connections); re-keying an HMAC or re-expanding an AES key on every packet costs more than
 * the cipher work of a small segment. Connection keys are long-lived arrays, so identity is a
 * safe and constant-time cache key; an unknown array simply misses.
 */
final class KeyedSlots<T> {
    private static final int SLOTS = 8;
    private final byte[][] keys = new byte[SLOTS][];
    private final Object[] values = new Object[SLOTS];
    private final BiFunction<T, byte[], T> rekey;
    private int next;

    /**
     * {@code rekey} keys an object for a key on a miss: it gets the evicted slot's object (null
     * while the slots fill) and returns it re-keyed, or a new one. Re-keying an existing JCE
     * object skips the provider lookup of {@code getInstance}, which a new connection would
     * otherwise pay four times.
     */
    KeyedSlots(BiFunction<T, byte[], T> rekey) {
        this.rekey = rekey;
    }

    @SuppressWarnings("unchecked")
    T get(byte[] key) {
        for (int i = 0; i < SLOTS; i++) {
            if (keys[i] == key) {
                return (T) values[i];
            }
        }
        int i = next;
        next = (next + 1) % SLOTS;
        keys[i] = null; // if rekey throws, the slot stays empty rather than half-updated
        T old = (T) values[i];
        values[i] = null;
        values[i] = rekey.apply(old, key);
        keys[i] = key;
        return (T) values[i];
    }

    /** Forgets everything (after a failure that may have left an object in a bad state). */
    void clear() {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
    }
}
