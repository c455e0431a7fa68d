package net.zcc.agent.crypto;

import java.security.MessageDigest;

/**
 * Tag computation shared by both suites: a 32-byte PRF output truncated to the tag length,
 * and a constant-time verify that allocates nothing per packet.
 */
abstract class PrfSegmentCrypto implements SegmentCrypto {

    private final byte[] full = new byte[32];
    /** Scratch pairs indexed by tag length, so MessageDigest.isEqual can compare whole arrays. */
    private final byte[][] computed = new byte[MAX_TAG_LENGTH + 1][];
    private final byte[][] received = new byte[MAX_TAG_LENGTH + 1][];

    /** Writes PRF(macKey, head ‖ payload), 32 bytes, to {@code out32}. */
    abstract void prf(byte[] macKey, byte[] head, int headOff, int headLen,
                      byte[] payload, int payOff, int payLen, byte[] out32);

    @Override
    public final void mac(byte[] macKey, byte[] head, int headOff, int headLen,
                          byte[] payload, int payOff, int payLen, byte[] out, int outOff, int tagLen) {
        checkTagLength(tagLen);
        prf(macKey, head, headOff, headLen, payload, payOff, payLen, full);
        System.arraycopy(full, 0, out, outOff, tagLen);
    }

    @Override
    public final boolean verify(byte[] macKey, byte[] head, int headOff, int headLen,
                                byte[] payload, int payOff, int payLen, byte[] expected, int expOff, int tagLen) {
        checkTagLength(tagLen);
        if (computed[tagLen] == null) {
            computed[tagLen] = new byte[tagLen];
            received[tagLen] = new byte[tagLen];
        }
        byte[] mine = computed[tagLen];
        byte[] theirs = received[tagLen];
        mac(macKey, head, headOff, headLen, payload, payOff, payLen, mine, 0, tagLen);
        System.arraycopy(expected, expOff, theirs, 0, tagLen);
        return MessageDigest.isEqual(mine, theirs);
    }

    private static void checkTagLength(int tagLen) {
        if (tagLen < 1 || tagLen > MAX_TAG_LENGTH) {
            throw new IllegalArgumentException("tag length must be 1 to 32: " + tagLen);
        }
    }
}
