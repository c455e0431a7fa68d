package net.zcc.agent.crypto;

/**
 * The fixed-size header the segment tag covers before the plaintext payload (PROTOCOL.md 6.3).
 *
 * <pre>
 *  offset  size  field
 *     0     4    "zcc2"
 *     4     1    dir (0 = i2r, 1 = r2i)
 *     5     1    option type (2 ACCEPT, 3 DATA, 4 DATA compressed)
 *     6     1    tcp flags (byte 13 of the TCP header)
 *     7     8    rel_seq
 *    15     8    rel_ack
 *    23     2    window
 *    25     2    urgent pointer
 *    27     2    original payload length
 *    29     2    wire payload length
 *    31          (the plaintext follows, passed to the PRF separately; compressed
 *                 form when the payload is compressed)
 * </pre>
 *
 * Suite-independent: both suites MAC exactly these bytes.
 */
public final class MacInput {

    public static final int OFF_MAGIC = 0;
    public static final int OFF_DIR = 4;
    public static final int OFF_OPTION_TYPE = 5;
    public static final int OFF_TCP_FLAGS = 6;
    public static final int OFF_REL_SEQ = 7;
    public static final int OFF_REL_ACK = 15;
    public static final int OFF_WINDOW = 23;
    public static final int OFF_URGENT = 25;
    public static final int OFF_ORIG_LENGTH = 27;
    public static final int OFF_WIRE_LENGTH = 29;
    /** Length of the header in bytes. */
    public static final int LENGTH = 31;

    /** The domain-separation prefix "zcc2" in ASCII: a tag of another protocol version never verifies. */
    private static final byte[] MAGIC = {'z', 'c', 'c', '2'};

    private MacInput() {
    }

    /**
     * Writes the header to {@code out[off..off+31)}.
     *
     * @param relSeq the 64-bit relative sequence number (all ones on SYN and SYN-ACK)
     * @param origLength the original payload length (equals wireLength when not compressed)
     * @param wireLength the payload length on the wire
     * @return {@link #LENGTH}
     * @throws IllegalArgumentException if a field does not fit its width
     */
    public static int write(byte[] out, int off, int dir, int optionType, int tcpFlags, long relSeq,
                            long relAck, int window, int urgent, int origLength, int wireLength) {
        if (off < 0 || off > out.length - LENGTH) {
            throw new IndexOutOfBoundsException("no room for the MAC header at " + off);
        }
        checkRange("dir", dir, 1);
        checkRange("option type", optionType, 0xff);
        checkRange("tcp flags", tcpFlags, 0xff);
        checkRange("window", window, 0xffff);
        checkRange("urgent pointer", urgent, 0xffff);
        checkRange("original length", origLength, 0xffff);
        checkRange("wire length", wireLength, 0xffff);
        System.arraycopy(MAGIC, 0, out, off + OFF_MAGIC, 4);
        out[off + OFF_DIR] = (byte) dir;
        out[off + OFF_OPTION_TYPE] = (byte) optionType;
        out[off + OFF_TCP_FLAGS] = (byte) tcpFlags;
        putLong(out, off + OFF_REL_SEQ, relSeq);
        putLong(out, off + OFF_REL_ACK, relAck);
        putShort(out, off + OFF_WINDOW, window);
        putShort(out, off + OFF_URGENT, urgent);
        putShort(out, off + OFF_ORIG_LENGTH, origLength);
        putShort(out, off + OFF_WIRE_LENGTH, wireLength);
        return LENGTH;
    }

    private static void checkRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " out of range: " + value);
        }
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
