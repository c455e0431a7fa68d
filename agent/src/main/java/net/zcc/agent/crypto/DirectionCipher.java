package net.zcc.agent.crypto;

/**
 * One direction of one protected connection, keyed with that direction's encryption and MAC
 * keys (PROTOCOL.md 6): seals what this host sends, or opens what the peer sent.
 *
 * <p>Sealing is SIV-style and length-preserving: the tag is a PRF over the MAC header and the
 * plaintext, the keystream is named by that tag and the stream offset, and a receiver decrypts
 * first, then verifies. So a keystream is only ever reused for the same header and plaintext,
 * even when the kernel retransmits other bytes at an offset (sendfile, splice, MSG_ZEROCOPY).
 *
 * <p>Not thread-safe: every call happens under the connection's lock. Each connection holds its
 * own keyed objects, so {@link #wipe} drops the expanded key state together with the keys.
 */
public interface DirectionCipher {

    /** The longest tag any suite produces (the PRF output is 32 bytes). */
    int MAX_TAG_LENGTH = 32;

    /**
     * Seals {@code buf[off..off+len)} in place and writes its tag.
     *
     * @param head the MAC header of {@link MacInput}
     * @param relSeq the 64-bit stream offset of the segment's first byte
     * @param tagLen the tag length on the wire: {@link KeystreamNonce#LENGTH} (12) or more, since
     *     the receiver rebuilds the keystream from the tag it receives
     */
    void seal(byte[] head, int headOff, int headLen, long relSeq, byte[] buf, int off, int len,
              byte[] tagOut, int tagOff, int tagLen);

    /**
     * Decrypts {@code buf[off..off+len)} in place with the keystream the received tag names, then
     * checks the tag over the header and the plaintext in constant time.
     *
     * @return true if the tag verifies; false leaves garbage in the buffer, which must be dropped
     */
    boolean open(byte[] head, int headOff, int headLen, long relSeq, byte[] buf, int off, int len,
                 byte[] tag, int tagOff, int tagLen);

    /** Writes the first {@code tagLen} bytes of PRF(mac key, head): a segment without payload (ACCEPT). */
    void tag(byte[] head, int headOff, int headLen, byte[] out, int outOff, int tagLen);

    /** Recomputes {@link #tag} and compares it with {@code expected} in constant time. */
    boolean verify(byte[] head, int headOff, int headLen, byte[] expected, int expOff, int tagLen);

    /** Overwrites the keyed state with a zero key; the object is useless afterwards. */
    void wipe();
}
