package net.zcc.agent.wire;

/** Big-endian reads and writes of 16- and 32-bit fields; callers have checked the bounds. */
final class Bytes {
    private Bytes() {
    }

    /** Stores a 16-bit value big-endian. */
    static void put16(byte[] buf, int off, int v) {
        buf[off] = (byte) (v >>> 8);
        buf[off + 1] = (byte) v;
    }

    /** Reads a 16-bit value big-endian, unsigned. */
    static int get16(byte[] buf, int off) {
        return ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF);
    }

    /** Reads a 32-bit value big-endian as an unsigned long. */
    static long get32(byte[] buf, int off) {
        return ((long) get16(buf, off) << 16) | get16(buf, off + 2);
    }

    /** Stores a 32-bit value big-endian (the low 32 bits of {@code v}). */
    static void put32(byte[] buf, int off, long v) {
        put16(buf, off, (int) (v >>> 16) & 0xFFFF);
        put16(buf, off + 2, (int) v & 0xFFFF);
    }
}
