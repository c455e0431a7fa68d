package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import net.zcc.agent.nfqueue.MalformedMessageException.Reason;

/**
 * Byte-order helpers shared by the netlink format classes. Netlink mixes host-order headers
 * with big-endian payload fields, so every read names its order explicitly and works whatever
 * order the ByteBuffer itself is set to. Absolute indexes only: no buffer state changes.
 */
final class Wire {
    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    private Wire() {
    }

    static int align4(int n) {
        return (n + 3) & ~3;
    }

    /** Throws unless [off, off + len) lies within [0, end). */
    static void require(int off, int len, int end, Reason reason) throws MalformedMessageException {
        if (off < 0 || len < 0 || len > end - off) {
            throw new MalformedMessageException(reason, off);
        }
    }

    static int hostInt(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return b.order() == HOST ? v : Integer.reverseBytes(v);
    }

    static int hostU16(ByteBuffer b, int i) {
        short v = b.getShort(i);
        return (b.order() == HOST ? v : Short.reverseBytes(v)) & 0xffff;
    }

    static void putHostInt(ByteBuffer b, int i, int v) {
        b.putInt(i, b.order() == HOST ? v : Integer.reverseBytes(v));
    }

    static void putHostU16(ByteBuffer b, int i, int v) {
        short s = (short) v;
        b.putShort(i, b.order() == HOST ? s : Short.reverseBytes(s));
    }

    static int beInt(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    static int beU16(ByteBuffer b, int i) {
        short v = b.getShort(i);
        return (b.order() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v)) & 0xffff;
    }

    static void putBeInt(ByteBuffer b, int i, int v) {
        b.putInt(i, b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v));
    }

    static void putBeU16(ByteBuffer b, int i, int v) {
        short s = (short) v;
        b.putShort(i, b.order() == ByteOrder.BIG_ENDIAN ? s : Short.reverseBytes(s));
    }

    /** Zero-fills [from, to): padding must not leak old buffer contents to the kernel. */
    static void zero(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            b.put(i, (byte) 0);
        }
    }
}
