package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;

import net.zcc.agent.nfqueue.MalformedMessageException.Reason;

/**
 * struct nlattr, host byte order, followed by its payload and zero padding to 4 bytes.
 *
 * <pre>
 *  0       2       4
 *  +-------+-------+------------------------+-----+
 *  |nla_len|nla_typ| payload (nla_len - 4)  | pad |
 *  +-------+-------+------------------------+-----+
 *  nla_type bit 15 = NLA_F_NESTED, bit 14 = NLA_F_NET_BYTEORDER; the type is the low 14 bits.
 * </pre>
 *
 * Reading walks attributes with {@link #checkedLength} and {@link #next}; fewer than 4 bytes
 * after the last attribute are treated as padding, as the kernel's nla_ok() does (the kernel
 * leaves NFQA_PAYLOAD unpadded).
 */
final class NlAttr {
    static final int HDR = 4;
    static final int OFF_LEN = 0;
    static final int OFF_TYPE = 2;
    static final int TYPE_MASK = 0x3fff;

    private NlAttr() {
    }

    /** True if another attribute header can start at {@code off}. */
    static boolean hasNext(int off, int end) {
        return end - off >= HDR;
    }

    /** Checks the attribute at {@code off} lies within {@code end}; returns nla_len. */
    static int checkedLength(ByteBuffer b, int off, int end) throws MalformedMessageException {
        Wire.require(off, HDR, end, Reason.ATTRIBUTE_TRUNCATED);
        int len = Wire.hostU16(b, off + OFF_LEN);
        if (len < HDR) {
            throw new MalformedMessageException(Reason.ATTRIBUTE_TOO_SHORT, off);
        }
        if (len > end - off) {
            throw new MalformedMessageException(Reason.ATTRIBUTE_BEYOND_MESSAGE, off);
        }
        return len;
    }

    /** The attribute type without the NESTED and NET_BYTEORDER flag bits. */
    static int type(ByteBuffer b, int off) {
        return Wire.hostU16(b, off + OFF_TYPE) & TYPE_MASK;
    }

    /** Throws unless the attribute payload holds at least {@code need} bytes. */
    static void requirePayload(int off, int len, int need) throws MalformedMessageException {
        if (len - HDR < need) {
            throw new MalformedMessageException(Reason.ATTRIBUTE_PAYLOAD_SHORT, off);
        }
    }

    static int next(int off, int len) {
        return off + Wire.align4(len);
    }

    /** Space an attribute with {@code payloadLen} bytes takes, padding included. */
    static int totalSize(int payloadLen) {
        return Wire.align4(HDR + payloadLen);
    }

    /** Writes the header and zero padding; the caller fills the payload. Returns the next offset. */
    static int putHeader(ByteBuffer b, int off, int type, int payloadLen) {
        Wire.putHostU16(b, off + OFF_LEN, HDR + payloadLen);
        Wire.putHostU16(b, off + OFF_TYPE, type);
        int end = off + totalSize(payloadLen);
        Wire.zero(b, off + HDR + payloadLen, end);
        return end;
    }

    /** Writes an attribute holding one big-endian 32-bit value. */
    static int putBeInt(ByteBuffer b, int off, int type, int value) {
        int next = putHeader(b, off, type, 4);
        Wire.putBeInt(b, off + HDR, value);
        return next;
    }

    /** Writes an attribute holding the remaining bytes of {@code src} (src is not consumed). */
    static int putBytes(ByteBuffer b, int off, int type, ByteBuffer src) {
        int n = src.remaining();
        int next = putHeader(b, off, type, n);
        b.put(off + HDR, src, src.position(), n);
        return next;
    }
}
