package net.zcc.agent.keys;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pairwise session key K and its 32-bit id (PROTOCOL.md 4), with a count of the bytes
 * sealed under it so that a key source can renew it on a byte schedule as well as a time one.
 */
public final class SessionKey {

    /** Key length in bytes. */
    public static final int LENGTH = 32;

    private final int id;
    private final byte[] key;
    private final LongAdder bytesSealed = new LongAdder();
    private final OfferNonces offers = new OfferNonces();
    /** Set before the bytes are zeroed: a copy taken after a wipe began is recognised. */
    private volatile boolean wiped;

    /**
     * @param id the key id carried in the OFFER option
     * @param key the 32-byte key; the array is shared, callers must not modify it
     */
    public SessionKey(int id, byte[] key) {
        if (key == null || key.length != LENGTH) {
            throw new IllegalArgumentException("a session key is 32 bytes");
        }
        this.id = id;
        this.key = key;
    }

    /** The key id carried in the OFFER option. */
    public int id() {
        return id;
    }

    /** The 32-byte key; shared, callers must not modify it. */
    public byte[] key() {
        return key;
    }

    /** Counts payload bytes sealed by connections born with this key (any thread, no lock). */
    public void countSealed(long bytes) {
        bytesSealed.add(bytes);
    }

    /**
     * Records the OFFER nonce at {@code buf[off..off+8)} as used under this key (responder side).
     *
     * @return false if it was used before: the SYN is a replay and must be refused
     */
    public boolean firstOffer(byte[] buf, int off) {
        long nonce = 0;
        for (int i = 0; i < 8; i++) {
            nonce = nonce << 8 | (buf[off + i] & 0xff);
        }
        return offers.firstUse(nonce);
    }

    /** Payload bytes sealed so far by connections born with this key. */
    public long bytesSealed() {
        return bytesSealed.sum();
    }

    /** Compares the id and the key bytes, in constant time for the bytes. */
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
        wiped = true;
        Arrays.fill(key, (byte) 0);
    }

    /**
     * A copy of the key bytes for a connection to keep, or null if the key was wiped (while or
     * before copying): never a half-zeroed key.
     */
    public byte[] copyOfKey() {
        byte[] copy = key.clone();
        return wiped ? null : copy;
    }
}
