package net.zcc.agent.keys;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A host's 32-byte X25519 static public key, used as its identity on the relay. Public, not
 * secret; a value type so it can key maps and order the two sides of a simultaneous handshake.
 */
public final class PeerKey implements Comparable<PeerKey> {

    /** Length of an X25519 public key. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private PeerKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code publicKey}; it must be 32 bytes. */
    public static PeerKey of(byte[] publicKey) {
        if (publicKey == null || publicKey.length != LENGTH) {
            throw new IllegalArgumentException("a static public key is 32 bytes");
        }
        return new PeerKey(publicKey.clone());
    }

    /** A copy of the key bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Unsigned lexicographic order: both sides compute the same answer from the same two keys. */
    @Override
    public int compareTo(PeerKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** A short fingerprint, enough to tell hosts apart in a log. */
    @Override
    public String toString() {
        return "PeerKey[" + HexFormat.of().formatHex(bytes, 0, 4) + "…]";
    }
}
