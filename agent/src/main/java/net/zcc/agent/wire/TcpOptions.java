package net.zcc.agent.wire;

/**
 * Walks and rebuilds the TCP option area {@code buf[start, end)} (RFC 9293 section 3.2).
 *
 * <pre>
 *  kind 0 (EOL): 1 byte, ends the list       kind 1 (NOP): 1 byte, alignment
 *  any other:    +------+--------+------------------+
 *                | kind | length | length - 2 bytes |   length counts kind and length bytes
 *                +------+--------+------------------+
 *  SACK (kind 5, RFC 2018): length = 2 + 8 * blocks, each block = left edge (4) + right edge (4)
 * </pre>
 *
 * Every walk except {@link #wellFormed} assumes the area passed {@link #wellFormed}, which
 * {@link TcpPacket#parse} checks, so option lengths stay inside the area.
 */
final class TcpOptions {
    static final int EOL = 0;
    static final int NOP = 1;
    static final int MSS = 2;
    static final int SACK = 5;
    static final int EXPERIMENTAL = 253;
    /** Most option bytes a TCP header can hold: data offset 15 words minus the 5-word fixed header. */
    static final int MAX_AREA = 40;
    static final int SACK_BLOCK = 8;
    /** Header bytes (kind, length) before the data of an option; the ExID of kind 253 follows them. */
    static final int OPT_HEADER = 2;
    /** Pass as {@code sackBlocks} to keep a SACK option whole. */
    static final int ALL_BLOCKS = Integer.MAX_VALUE;

    private TcpOptions() {
    }

    /** True if every option's length is at least 2 and stays within the area (EOL ends the check). */
    static boolean wellFormed(byte[] buf, int start, int end) {
        int off = start;
        while (off < end) {
            int kind = buf[off] & 0xFF;
            if (kind == EOL) {
                return true;
            }
            if (kind == NOP) {
                off++;
                continue;
            }
            if (off + 1 >= end) {
                return false; // the length byte itself is missing
            }
            int len = buf[off + 1] & 0xFF;
            if (len < OPT_HEADER || off + len > end) {
                return false;
            }
            off += len;
        }
        return true;
    }

    /** Length of the option at {@code off}: 1 for EOL and NOP, else its length byte. */
    static int length(byte[] buf, int off) {
        return (buf[off] & 0xFF) <= NOP ? 1 : buf[off + 1] & 0xFF;
    }

    /** Offset of the first option, or -1 if the area is empty or starts with EOL. */
    static int first(byte[] buf, int start, int end) {
        return start < end && buf[start] != EOL ? start : -1;
    }

    /** Offset of the option after the one at {@code off}, or -1 at the end or at EOL. */
    static int next(byte[] buf, int off, int end) {
        int n = off + length(buf, off);
        return n < end && buf[n] != EOL ? n : -1;
    }

    /** Offset of the first option of {@code kind} (not EOL or NOP), or -1. */
    static int find(byte[] buf, int start, int end, int kind) {
        for (int off = first(buf, start, end); off >= 0; off = next(buf, off, end)) {
            if ((buf[off] & 0xFF) == kind) {
                return off;
            }
        }
        return -1;
    }

    /** Offset of the first kind-253 option (RFC 6994) with the 16-bit {@code exId}, or -1. */
    static int findExperimental(byte[] buf, int start, int end, int exId) {
        for (int off = first(buf, start, end); off >= 0; off = next(buf, off, end)) {
            if ((buf[off] & 0xFF) == EXPERIMENTAL && length(buf, off) >= OPT_HEADER + 2
                    && Bytes.get16(buf, off + OPT_HEADER) == exId) {
                return off;
            }
        }
        return -1;
    }

    /** Number of SACK blocks in the first SACK option, or -1 if there is none. */
    static int sackBlocks(byte[] buf, int start, int end) {
        int off = find(buf, start, end, SACK);
        return off < 0 ? -1 : (length(buf, off) - OPT_HEADER) / SACK_BLOCK;
    }

    /**
     * Writes the rebuilt option list into {@code out} (at least {@link #MAX_AREA} bytes): the
     * options of {@code buf[start, end)} in order, then {@code opt[0, optLen)}. NOPs are kept
     * only if {@code keepNops}, and never at the end (trailing NOPs and EOL are padding the
     * caller redoes); SACK keeps its first {@code sackBlocks} blocks and disappears at 0; the
     * option at {@code skipOff} (-1 for none) is left out.
     *
     * @return the unpadded length written, or -1 if it would exceed {@link #MAX_AREA}
     */
    static int compose(byte[] buf, int start, int end, byte[] out, boolean keepNops, int sackBlocks,
                       int skipOff, byte[] opt, int optLen) {
        int n = 0;
        int realEnd = 0; // end of the last non-NOP option written: drops trailing NOPs
        for (int off = first(buf, start, end); off >= 0; off = next(buf, off, end)) {
            int kind = buf[off] & 0xFF;
            if (off == skipOff || (kind == NOP && !keepNops)) {
                continue;
            }
            int len = kind == SACK ? sackLength(length(buf, off), sackBlocks) : length(buf, off);
            if (len == 0) {
                continue; // SACK trimmed away entirely
            }
            if (n + len > MAX_AREA) {
                return -1;
            }
            System.arraycopy(buf, off, out, n, len);
            if (kind == SACK) {
                out[n + 1] = (byte) len;
            }
            n += len;
            realEnd = kind == NOP ? realEnd : n;
        }
        return append(out, realEnd, opt, optLen);
    }

    /** Length of a SACK option of {@code len} bytes cut to {@code blocks} blocks; 0 removes it. */
    private static int sackLength(int len, int blocks) {
        if (blocks == ALL_BLOCKS) {
            return len;
        }
        int have = (len - OPT_HEADER) / SACK_BLOCK;
        int keep = Math.min(have, blocks);
        return keep <= 0 ? 0 : OPT_HEADER + keep * SACK_BLOCK;
    }

    private static int append(byte[] out, int n, byte[] opt, int optLen) {
        if (optLen == 0) {
            return n;
        }
        if (n + optLen > MAX_AREA) {
            return -1;
        }
        System.arraycopy(opt, 0, out, n, optLen);
        return n + optLen;
    }

    /** Pads {@code out[n ..]} with NOPs to the next multiple of 4 and returns that length. */
    static int padWithNops(byte[] out, int n) {
        int padded = (n + 3) & ~3;
        for (int i = n; i < padded; i++) {
            out[i] = NOP;
        }
        return padded;
    }
}
