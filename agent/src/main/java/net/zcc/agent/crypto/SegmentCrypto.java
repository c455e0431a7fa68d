package net.zcc.agent.crypto;

/**
 * The per-packet operations of a cipher suite, for one worker thread (not thread-safe).
 *
 * <p>Keys are passed per call because one worker serves many connections; implementations
 * cache the expanded form of the last key they saw.
 */
public interface SegmentCrypto {

    /** The longest tag any suite produces (the PRF output is 32 bytes). */
    int MAX_TAG_LENGTH = 32;

    /**
     * XORs {@code buf[off..off+len)} in place with the segment keystream of PROTOCOL.md 6.2.
     *
     * @param encKey the 32-byte encryption key of direction {@code dir}
     * @param dir 0 for initiator-to-responder, 1 for responder-to-initiator
     * @param compressed the {@code flags} bit: the payload is the compressed form
     * @param origLength the original (uncompressed) payload length, 0 to 65535
     * @param relSeq the 64-bit stream offset of the segment's first byte
     */
    void keystreamXor(byte[] encKey, int dir, boolean compressed, int origLength, long relSeq,
                      byte[] buf, int off, int len);

    /**
     * Writes the first {@code tagLen} bytes of PRF(macKey, head ‖ payload) to {@code out}.
     *
     * @param head the MAC header written by {@link MacInput}
     * @param tagLen 1 to {@link #MAX_TAG_LENGTH}; the protocol uses 12 (DATA) and 6 (ACCEPT)
     */
    void mac(byte[] macKey, byte[] head, int headOff, int headLen,
             byte[] payload, int payOff, int payLen, byte[] out, int outOff, int tagLen);

    /**
     * Recomputes the tag over the same inputs as {@link #mac} and compares it with
     * {@code expected[expOff..expOff+tagLen)} in constant time.
     *
     * @return true if the tags are equal
     */
    boolean verify(byte[] macKey, byte[] head, int headOff, int headLen,
                   byte[] payload, int payOff, int payLen, byte[] expected, int expOff, int tagLen);
}
