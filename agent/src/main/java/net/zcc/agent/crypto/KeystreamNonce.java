package net.zcc.agent.crypto;

/**
 * The 12 bytes that name a segment's keystream (PROTOCOL.md 6.2): the segment's 96-bit tag with
 * its 64-bit stream offset XORed into the last eight bytes. It is the AES counter block without
 * its 4-byte block index, and the ChaCha20 nonce; both suites share this one writer so they can
 * never disagree on the layout.
 */
final class KeystreamNonce {

    /** Length of the nonce in bytes, and so the shortest tag a sealed segment may carry. */
    static final int LENGTH = 12;

    private KeystreamNonce() {
    }

    /** Writes {@code tag[tagOff..tagOff+12) XOR (0^32 ‖ relSeq)} to {@code dst[0..12)}. */
    static void write(byte[] dst, byte[] tag, int tagOff, long relSeq) {
        if (tag == null || tagOff < 0 || tagOff > tag.length - LENGTH) {
            throw new IllegalArgumentException("need 12 tag bytes at " + tagOff);
        }
        System.arraycopy(tag, tagOff, dst, 0, 4);
        for (int i = 0; i < 8; i++) {
            dst[4 + i] = (byte) (tag[tagOff + 4 + i] ^ (relSeq >>> (56 - 8 * i)));
        }
    }
}
