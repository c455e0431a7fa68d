package net.zcc.agent.wire;

/**
 * The Internet checksum (RFC 1071) over byte ranges; {@link IpHeader#pseudoHeaderSum} adds the
 * pseudo-header.
 *
 * <p>Sums are kept in an {@code int} and folded at the end. The largest sum is an IPv6 segment
 * of 65535 bytes plus its pseudo-header: about 32788 words of at most 0xFFFF, below 2^32, so the
 * unsigned value never wraps and {@code >>>} folding is exact.
 */
final class Checksum {
    private Checksum() {
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /**
     * Adds {@code len} bytes of {@code buf} from {@code off} as big-endian 16-bit words; an odd
     * last byte is padded with zero.
     *
     * <p>Eight bytes at a time: the two 32-bit halves of each big-endian long are added to a long
     * accumulator. Since 2^16 = 1 modulo 0xFFFF, that is the same ones'-complement sum, folded
     * back to 16 bits (end-around carry) before it is returned. This is the hottest loop of the
     * data plane: every sealed or opened segment is summed once.
     */
    static int sum(byte[] buf, int off, int len, int acc) {
        int end = off + len;
        int i = off;
        long wide = acc & 0xFFFFFFFFL;
        for (; i + 7 < end; i += 8) {
            long w = (long) LONGS.get(buf, i);
            wide += (w >>> 32) + (w & 0xFFFFFFFFL);
        }
        while ((wide >>> 16) != 0) {
            wide = (wide & 0xFFFF) + (wide >>> 16);
        }
        acc = (int) wide;
        for (; i + 1 < end; i += 2) {
            acc += ((buf[i] & 0xFF) << 8) | (buf[i + 1] & 0xFF);
        }
        if (i < end) {
            acc += (buf[i] & 0xFF) << 8;
        }
        return acc;
    }

    /** Folds a sum to 16 bits and complements it: the value to store in a checksum field. */
    static int fold(int acc) {
        long s = acc & 0xFFFFFFFFL; // unsigned: see the class comment
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return ~(int) s & 0xFFFF;
    }
}
