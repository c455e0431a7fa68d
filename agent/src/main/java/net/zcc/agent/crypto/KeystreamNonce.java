package net.zcc.agent.crypto;

/**
 * The 12 bytes {@code dir ‖ flags ‖ length ‖ rel_seq} that name a segment's keystream
 * (PROTOCOL.md 6.2): the AES counter block without its 4-byte block index, and the ChaCha20
 * nonce. Both suites share this one writer so they can never disagree on the layout.
 */
final class KeystreamNonce {

    /** Length of the nonce in bytes. */
    static final int LENGTH = 12;

    private KeystreamNonce() {
    }

    /** Writes the nonce to {@code dst[0..12)}; checks the ranges the layout can hold. */
    static void write(byte[] dst, int dir, boolean compressed, int origLength, long relSeq) {
        if (dir != 0 && dir != 1) {
            throw new IllegalArgumentException("dir must be 0 or 1: " + dir);
        }
        if (origLength < 0 || origLength > 0xffff) {
            throw new IllegalArgumentException("original length out of range: " + origLength);
        }
        dst[0] = (byte) dir;
        dst[1] = (byte) (compressed ? 1 : 0);
        dst[2] = (byte) (origLength >>> 8);
        dst[3] = (byte) origLength;
        for (int i = 0; i < 8; i++) {
            dst[4 + i] = (byte) (relSeq >>> (56 - 8 * i));
        }
    }
}
