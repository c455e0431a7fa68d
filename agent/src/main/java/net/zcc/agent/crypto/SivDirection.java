package net.zcc.agent.crypto;

import java.security.MessageDigest;

/**
 * The SIV composition of PROTOCOL.md 6, shared by both suites: a suite supplies the PRF and the
 * keystream, this class puts them together the one way the protocol allows.
 *
 * <pre>
 *  seal:  T  = PRF(mac key, head ‖ plaintext)[0..tagLen)
 *         C  = plaintext XOR keystream(enc key, nonce(T, rel_seq))
 *  open:  P' = C XOR keystream(enc key, nonce(T, rel_seq))
 *         accept iff PRF(mac key, head ‖ P')[0..tagLen) == T   (constant time)
 * </pre>
 */
abstract class SivDirection implements DirectionCipher {
    private final byte[] full = new byte[32];
    private final byte[] nonce = new byte[KeystreamNonce.LENGTH];
    /** Scratch pairs indexed by tag length, so MessageDigest.isEqual compares whole arrays. */
    private final byte[][] computed = new byte[MAX_TAG_LENGTH + 1][];
    private final byte[][] received = new byte[MAX_TAG_LENGTH + 1][];

    /** Writes PRF(mac key, head ‖ payload), 32 bytes, to {@code out32}. */
    abstract void prf(byte[] head, int headOff, int headLen, byte[] payload, int payOff, int payLen, byte[] out32);

    /** XORs {@code buf[off..off+len)} with the keystream of {@code nonce12}, block counter from 0. */
    abstract void keystreamXor(byte[] nonce12, byte[] buf, int off, int len);

    /** Re-keys every keyed object with zeros. */
    abstract void wipeKeys();

    @Override
    public final void seal(byte[] head, int headOff, int headLen, long relSeq, byte[] buf, int off, int len,
                           byte[] tagOut, int tagOff, int tagLen) {
        checkSivTagLength(tagLen);
        prf(head, headOff, headLen, buf, off, len, full);
        System.arraycopy(full, 0, tagOut, tagOff, tagLen);
        KeystreamNonce.write(nonce, full, 0, relSeq);
        keystreamXor(nonce, buf, off, len);
    }

    @Override
    public final boolean open(byte[] head, int headOff, int headLen, long relSeq, byte[] buf, int off, int len,
                              byte[] tag, int tagOff, int tagLen) {
        checkSivTagLength(tagLen);
        byte[] theirs = scratch(received, tagLen);
        System.arraycopy(tag, tagOff, theirs, 0, tagLen); // before the payload changes under it
        KeystreamNonce.write(nonce, theirs, 0, relSeq);
        keystreamXor(nonce, buf, off, len);
        byte[] mine = scratch(computed, tagLen);
        prf(head, headOff, headLen, buf, off, len, full);
        System.arraycopy(full, 0, mine, 0, tagLen);
        return MessageDigest.isEqual(mine, theirs);
    }

    @Override
    public final void tag(byte[] head, int headOff, int headLen, byte[] out, int outOff, int tagLen) {
        checkTagLength(tagLen);
        prf(head, headOff, headLen, head, headOff, 0, full);
        System.arraycopy(full, 0, out, outOff, tagLen);
    }

    @Override
    public final boolean verify(byte[] head, int headOff, int headLen, byte[] expected, int expOff, int tagLen) {
        byte[] mine = scratch(computed, tagLen);
        byte[] theirs = scratch(received, tagLen);
        tag(head, headOff, headLen, mine, 0, tagLen);
        System.arraycopy(expected, expOff, theirs, 0, tagLen);
        return MessageDigest.isEqual(mine, theirs);
    }

    @Override
    public final void wipe() {
        wipeKeys();
        java.util.Arrays.fill(full, (byte) 0);
        java.util.Arrays.fill(nonce, (byte) 0);
    }

    private static byte[] scratch(byte[][] pool, int len) {
        checkTagLength(len);
        if (pool[len] == null) {
            pool[len] = new byte[len];
        }
        return pool[len];
    }

    private static void checkSivTagLength(int tagLen) {
        checkTagLength(tagLen);
        if (tagLen < KeystreamNonce.LENGTH) {
            throw new IllegalArgumentException("a sealed segment's tag names its keystream: at least "
                    + KeystreamNonce.LENGTH + " bytes, not " + tagLen);
        }
    }

    private static void checkTagLength(int tagLen) {
        if (tagLen < 1 || tagLen > MAX_TAG_LENGTH) {
            throw new IllegalArgumentException("tag length must be 1 to 32: " + tagLen);
        }
    }

    static byte[] check(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("key must be 32 bytes");
        }
        return key;
    }
}
