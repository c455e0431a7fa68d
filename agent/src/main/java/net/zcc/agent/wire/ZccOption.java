package net.zcc.agent.wire;

/**
 * The ZCC TCP option (docs/PROTOCOL.md section 2): kind 253 with ExID 0x5A43, version 2.
 *
 * <pre>
 *  0      1        2-3            4                 5 ...
 * +-----+--------+--------------+-----------------+------------------------------------+
 * | 253 | length | ExID 0x5A43  | ver(3) type(5)  | type-specific                      |
 * +-----+--------+--------------+-----------------+------------------------------------+
 * OFFER  (1, 18): suite (1) @5 | key id (4) @6 | nonce_i (8) @10
 * ACCEPT (2, 19): nonce_r (8) @5 | handshake tag (6) @13
 * DATA   (3 plain / 4 compressed, 17): tag (12) @5
 * </pre>
 *
 * Offsets are relative to the option's first byte. Readers take the offset of an option that
 * {@link #type} accepted; writers check their arguments first and throw
 * {@code IllegalArgumentException} (a caller bug, never packet input) before writing anything.
 */
public final class ZccOption {
    public static final int KIND = 253;
    public static final int EXID = 0x5A43;
    public static final int VERSION = 2;

    public static final int TYPE_OFFER = 1;
    public static final int TYPE_ACCEPT = 2;
    public static final int TYPE_DATA = 3;
    public static final int TYPE_DATA_COMPRESSED = 4;

    public static final int OFFER_LENGTH = 18;
    public static final int ACCEPT_LENGTH = 19;
    public static final int DATA_LENGTH = 17;

    public static final int OFF_KIND = 0;
    public static final int OFF_LENGTH = 1;
    public static final int OFF_EXID = 2;
    public static final int OFF_VERSION_TYPE = 4;
    /** Bytes every ZCC option starts with: kind, length, ExID, version/type. */
    public static final int HEADER_LENGTH = 5;

    public static final int OFF_SUITE = 5;
    public static final int OFF_KEY_ID = 6;
    public static final int OFF_NONCE_I = 10;
    public static final int OFF_NONCE_R = 5;
    public static final int OFF_HANDSHAKE_TAG = 13;
    public static final int OFF_TAG = 5;

    public static final int NONCE_LENGTH = 8;
    public static final int HANDSHAKE_TAG_LENGTH = 6;
    public static final int TAG_LENGTH = 12;

    /** {@link #type}: fewer bytes than the option's header or its length byte claims. */
    public static final int ERR_TRUNCATED = -1;
    /** {@link #type}: not kind 253, or another experiment's ExID (not ours: leave it alone). */
    public static final int ERR_NOT_ZCC = -2;
    /** {@link #type}: a version other than {@link #VERSION}. */
    public static final int ERR_VERSION = -3;
    /** {@link #type}: a type other than 1 to 4. */
    public static final int ERR_TYPE = -4;
    /** {@link #type}: the length byte is not the one of the type. */
    public static final int ERR_LENGTH = -5;

    private static final int TYPE_MASK = 0x1F;
    private static final int VERSION_SHIFT = 5;

    private ZccOption() {
    }

    /**
     * Checks the option at {@code buf[off]} with {@code len} bytes available there.
     *
     * @return its type (1 to 4), or a negative {@code ERR_} reason
     */
    public static int type(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < HEADER_LENGTH || len > buf.length - off) {
            return ERR_TRUNCATED;
        }
        if ((buf[off + OFF_KIND] & 0xFF) != KIND || Bytes.get16(buf, off + OFF_EXID) != EXID) {
            return ERR_NOT_ZCC;
        }
        int optLen = buf[off + OFF_LENGTH] & 0xFF;
        if (optLen > len) {
            return ERR_TRUNCATED;
        }
        int vt = buf[off + OFF_VERSION_TYPE] & 0xFF;
        if (vt >>> VERSION_SHIFT != VERSION) {
            return ERR_VERSION;
        }
        int type = vt & TYPE_MASK;
        int expected = lengthOf(type);
        if (expected < 0) {
            return ERR_TYPE;
        }
        return optLen == expected ? type : ERR_LENGTH;
    }

    /** The length of an option of {@code type}, or -1 for an unknown type. */
    public static int lengthOf(int type) {
        return switch (type) {
            case TYPE_OFFER -> OFFER_LENGTH;
            case TYPE_ACCEPT -> ACCEPT_LENGTH;
            case TYPE_DATA, TYPE_DATA_COMPRESSED -> DATA_LENGTH;
            default -> -1;
        };
    }

    // ---- OFFER ----------------------------------------------------------------------------

    /** Writes an OFFER at {@code out[off]}: {@code nonce} holds nonce_i in its first 8 bytes. Returns 18. */
    public static int writeOffer(byte[] out, int off, int suite, int keyId, byte[] nonce) {
        checkSource(nonce, 0, NONCE_LENGTH);
        writeHeader(out, off, TYPE_OFFER);
        out[off + OFF_SUITE] = (byte) suite;
        Bytes.put32(out, off + OFF_KEY_ID, keyId);
        System.arraycopy(nonce, 0, out, off + OFF_NONCE_I, NONCE_LENGTH);
        return OFFER_LENGTH;
    }

    /** The cipher suite number of the OFFER at {@code off}. */
    public static int suite(byte[] buf, int off) {
        return buf[off + OFF_SUITE] & 0xFF;
    }

    /** The key id of the OFFER at {@code off} (32 bits, as an int). */
    public static int keyId(byte[] buf, int off) {
        return (int) Bytes.get32(buf, off + OFF_KEY_ID);
    }

    /** Copies nonce_i of the OFFER at {@code off} into {@code dst[dstOff ..]}. */
    public static void copyNonceI(byte[] buf, int off, byte[] dst, int dstOff) {
        System.arraycopy(buf, off + OFF_NONCE_I, dst, dstOff, NONCE_LENGTH);
    }

    /** True if the OFFER at {@code off} carries exactly {@code nonce} (8 bytes) as nonce_i. */
    public static boolean nonceIEquals(byte[] buf, int off, byte[] nonce) {
        return java.util.Arrays.equals(buf, off + OFF_NONCE_I, off + OFF_NONCE_I + NONCE_LENGTH, nonce, 0, NONCE_LENGTH);
    }

    // ---- ACCEPT ---------------------------------------------------------------------------

    /** Writes an ACCEPT at {@code out[off]} with nonce_r and the 6-byte handshake tag at {@code tag[tagOff]}. Returns 19. */
    public static int writeAccept(byte[] out, int off, byte[] nonce, byte[] tag, int tagOff) {
        checkSource(nonce, 0, NONCE_LENGTH);
        checkSource(tag, tagOff, HANDSHAKE_TAG_LENGTH);
        writeHeader(out, off, TYPE_ACCEPT);
        System.arraycopy(nonce, 0, out, off + OFF_NONCE_R, NONCE_LENGTH);
        System.arraycopy(tag, tagOff, out, off + OFF_HANDSHAKE_TAG, HANDSHAKE_TAG_LENGTH);
        return ACCEPT_LENGTH;
    }

    /** Copies nonce_r of the ACCEPT at {@code off} into {@code dst[dstOff ..]}. */
    public static void copyNonceR(byte[] buf, int off, byte[] dst, int dstOff) {
        System.arraycopy(buf, off + OFF_NONCE_R, dst, dstOff, NONCE_LENGTH);
    }

    /** Copies the handshake tag of the ACCEPT at {@code off} into {@code dst[dstOff ..]}. */
    public static void copyHandshakeTag(byte[] buf, int off, byte[] dst, int dstOff) {
        System.arraycopy(buf, off + OFF_HANDSHAKE_TAG, dst, dstOff, HANDSHAKE_TAG_LENGTH);
    }

    // ---- DATA -----------------------------------------------------------------------------

    /** Writes a DATA option (type 4 if {@code compressed}, else 3) with the 12-byte tag at {@code tag[tagOff]}. Returns 17. */
    public static int writeData(byte[] out, int off, boolean compressed, byte[] tag, int tagOff) {
        checkSource(tag, tagOff, TAG_LENGTH);
        writeHeader(out, off, compressed ? TYPE_DATA_COMPRESSED : TYPE_DATA);
        System.arraycopy(tag, tagOff, out, off + OFF_TAG, TAG_LENGTH);
        return DATA_LENGTH;
    }

    /** True if the DATA option at {@code off} says the payload is compressed (type 4). */
    public static boolean compressed(byte[] buf, int off) {
        return (buf[off + OFF_VERSION_TYPE] & TYPE_MASK) == TYPE_DATA_COMPRESSED;
    }

    /** Copies the tag of the DATA option at {@code off} into {@code dst[dstOff ..]}; compare in place via {@link #OFF_TAG} to avoid the copy. */
    public static void copyTag(byte[] buf, int off, byte[] dst, int dstOff) {
        System.arraycopy(buf, off + OFF_TAG, dst, dstOff, TAG_LENGTH);
    }

    // ---- shared ---------------------------------------------------------------------------

    private static void writeHeader(byte[] out, int off, int type) {
        int len = lengthOf(type);
        if (out == null || off < 0 || off > out.length - len) {
            throw new IllegalArgumentException("no room for a " + len + "-byte ZCC option at " + off);
        }
        out[off + OFF_KIND] = (byte) KIND;
        out[off + OFF_LENGTH] = (byte) len;
        Bytes.put16(out, off + OFF_EXID, EXID);
        out[off + OFF_VERSION_TYPE] = (byte) (VERSION << VERSION_SHIFT | type);
    }

    private static void checkSource(byte[] src, int off, int len) {
        if (src == null || off < 0 || off > src.length - len) {
            throw new IllegalArgumentException("need " + len + " source bytes at " + off);
        }
    }
}
