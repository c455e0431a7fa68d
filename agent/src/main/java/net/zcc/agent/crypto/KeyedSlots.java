package net.zcc.agent.crypto;

import java.util.function.Function;

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
    private final Function<byte[], T> make;
    private int next;

    /** {@code make} builds the object keyed with a key; it is called only on a miss. */
    KeyedSlots(Function<byte[], T> make) {
        this.make = make;
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
        keys[i] = null; // if make throws, the slot stays empty rather than half-updated
        values[i] = make.apply(key);
        keys[i] = key;
        return (T) values[i];
    }

    /** Forgets everything (after a failure that may have left an object in a bad state). */
    void clear() {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
    }
}
