package net.zcc.agent.wire;

import static net.zcc.agent.wire.Bytes.get16;
import static net.zcc.agent.wire.Bytes.get32;
import static net.zcc.agent.wire.Bytes.put16;
import static net.zcc.agent.wire.Bytes.put32;

import java.net.InetAddress;

/**
 * A mutable view over one IPv4 or IPv6 packet carrying TCP, at offset 0 of a caller-owned
 * array with room after the packet ({@link #MAX_GROWTH} bytes at least). One instance is
 * reused for packet after packet: {@link #parse} only sets a few ints, nothing is allocated.
 *
 * <pre>
 * IP header (see {@link IpHeader}), then TCP (RFC 9293) at tcpOffset():
 *  0 source port              destination port
 *  4 sequence number
 *  8 acknowledgement number
 * 12 data offset|reserved     flags        window
 * 16 checksum                 urgent pointer
 * 20 options (see {@link TcpOptions}) ... payload at data offset * 4
 * </pre>
 *
 * Getters and editors are valid only after {@link #parse} returned null; editors keep the
 * packet well-formed and leave checksums to {@link #updateChecksums}, called once at the end.
 */
public final class TcpPacket {
    /** Spare bytes the caller guarantees after the packet: the option area can grow by at most 40. */
    public static final int MAX_GROWTH = TcpOptions.MAX_AREA;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    static final int TCP_HEADER = 20;
    static final int PROTO_TCP = 6;
    private static final int SPORT = 0;
    private static final int DPORT = 2;
    private static final int SEQ = 4;
    private static final int ACKNUM = 8;
    private static final int DATA_OFFSET = 12;
    private static final int FLAGS = 13;
    private static final int WINDOW = 14;
    private static final int CHECKSUM = 16;
    private static final int URGENT = 18;

    private final IpHeader ip = new IpHeader();
    private final byte[] area = new byte[TcpOptions.MAX_AREA]; // option rebuild space, reused
    private final byte[] mssOpt = {TcpOptions.MSS, 4, 0, 0};
    private byte[] buf;
    private int ipHeaderLength;
    private int tcpHeaderLength;
    private int totalLength;

    /**
     * Reads {@code buf[0, len)} as an IP packet carrying TCP. Never throws, whatever the bytes.
     *
     * @return null if well-formed, else why not (then no other method may be used)
     */
    public Malformation parse(byte[] buf, int len) {
        this.buf = null;
        if (buf == null || len < 0 || len > buf.length) {
            return Malformation.TRUNCATED;
        }
        Malformation m = ip.parse(buf, 0, len, PROTO_TCP, false);
        if (m == null) {
            ipHeaderLength = ip.headerLength();
            totalLength = ip.totalLength();
            m = parseTcp(buf);
        }
        this.buf = m == null ? buf : null;
        return m;
    }

    private Malformation parseTcp(byte[] b) {
        int t = ipHeaderLength;
        if (totalLength - t < TCP_HEADER) {
            return Malformation.TRUNCATED;
        }
        int doff = ((b[t + DATA_OFFSET] & 0xFF) >>> 4) * 4;
        if (doff < TCP_HEADER || t + doff > totalLength) {
            return Malformation.BAD_TCP_HEADER;
        }
        tcpHeaderLength = doff;
        return TcpOptions.wellFormed(b, t + TCP_HEADER, t + doff) ? null : Malformation.BAD_TCP_OPTIONS;
    }

    // ---- getters --------------------------------------------------------------------------

    /** The array holding the packet (the one given to {@link #parse}). */
    public byte[] buffer() {
        return buf;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ip.version();
    }

    /** Bytes of the IP header (with IPv4 options); TCP starts here. */
    public int ipHeaderLength() {
        return ipHeaderLength;
    }

    /** Offset of the TCP header in the buffer (equal to {@link #ipHeaderLength}). */
    public int tcpOffset() {
        return ipHeaderLength;
    }

    /** Bytes of the TCP header with its options (data offset * 4). */
    public int tcpHeaderLength() {
        return tcpHeaderLength;
    }

    /** Offset of the first payload byte in the buffer. */
    public int payloadOffset() {
        return ipHeaderLength + tcpHeaderLength;
    }

    /** Payload bytes. */
    public int payloadLength() {
        return totalLength - payloadOffset();
    }

    /** Bytes of the whole IP packet (what to hand back to the kernel). */
    public int totalLength() {
        return totalLength;
    }

    /** 4 for IPv4, 16 for IPv6. */
    public int addressLength() {
        return ip.addressLength();
    }

    /** Copies the source address into {@code dst} at {@code off}; returns its length. */
    public int copySrcAddress(byte[] dst, int off) {
        ip.copyAddress(buf, ip.srcOffset(), dst, off);
        return addressLength();
    }

    /** Copies the destination address into {@code dst} at {@code off}; returns its length. */
    public int copyDstAddress(byte[] dst, int off) {
        ip.copyAddress(buf, ip.dstOffset(), dst, off);
        return addressLength();
    }

    /** True if {@code addr} (4 or 16 bytes) is the source address. */
    public boolean srcAddressEquals(byte[] addr) {
        return ip.addressEquals(buf, ip.srcOffset(), addr);
    }

    /** True if {@code addr} (4 or 16 bytes) is the destination address. */
    public boolean dstAddressEquals(byte[] addr) {
        return ip.addressEquals(buf, ip.dstOffset(), addr);
    }

    /** The source address as an object; allocates, so not for every packet. */
    public InetAddress srcInetAddress() {
        return ip.inetAddress(buf, ip.srcOffset());
    }

    /** The destination address as an object; allocates, so not for every packet. */
    public InetAddress dstInetAddress() {
        return ip.inetAddress(buf, ip.dstOffset());
    }

    /** TCP source port. */
    public int srcPort() {
        return get16(buf, ipHeaderLength + SPORT);
    }

    /** TCP destination port. */
    public int dstPort() {
        return get16(buf, ipHeaderLength + DPORT);
    }

    /** Sequence number, 0 .. 2^32 - 1. */
    public long seq() {
        return get32(buf, ipHeaderLength + SEQ);
    }

    /** Acknowledgement number, 0 .. 2^32 - 1 (meaningful only with {@link #ACK}). */
    public long ack() {
        return get32(buf, ipHeaderLength + ACKNUM);
    }

    /** The flags byte (byte 13 of the TCP header): {@link #FIN} ... {@link #CWR}. */
    public int flags() {
        return buf[ipHeaderLength + FLAGS] & 0xFF;
    }

    /** True if every bit of {@code mask} is set in the flags. */
    public boolean hasFlags(int mask) {
        return (flags() & mask) == mask;
    }

    /** Window field, unscaled. */
    public int window() {
        return get16(buf, ipHeaderLength + WINDOW);
    }

    /** Urgent pointer field. */
    public int urgentPointer() {
        return get16(buf, ipHeaderLength + URGENT);
    }

    // ---- options: walk and find -----------------------------------------------------------

    private int optionsStart() {
        return ipHeaderLength + TCP_HEADER;
    }

    /** Offset of the first option (NOPs included), or -1 if there is none; EOL ends the list. */
    public int firstOption() {
        return TcpOptions.first(buf, optionsStart(), payloadOffset());
    }

    /** Offset of the option after the one at {@code off}, or -1 at the end of the list. */
    public int nextOption(int off) {
        return TcpOptions.next(buf, off, payloadOffset());
    }

    /** Kind of the option at {@code off}. */
    public int optionKind(int off) {
        return buf[off] & 0xFF;
    }

    /** Length of the option at {@code off} (1 for NOP and EOL). */
    public int optionLength(int off) {
        return TcpOptions.length(buf, off);
    }

    /** Offset of the first option of {@code kind}, or -1. */
    public int findOption(int kind) {
        return TcpOptions.find(buf, optionsStart(), payloadOffset(), kind);
    }

    /** Offset of the first kind-253 option carrying the 16-bit {@code exId} (e.g. {@link ZccOption#EXID}), or -1. */
    public int findExperimentalOption(int exId) {
        return TcpOptions.findExperimental(buf, optionsStart(), payloadOffset(), exId);
    }

    /** The MSS option's value, or -1 if there is none (or it has a length other than 4). */
    public int mss() {
        int off = findOption(TcpOptions.MSS);
        return off < 0 || optionLength(off) != 4 ? -1 : get16(buf, off + 2);
    }

    // ---- options: edit --------------------------------------------------------------------

    /** Sets the MSS option's value (0 .. 65535); false if the packet has no 4-byte MSS option. */
    public boolean setMss(int mss) {
        int off = findOption(TcpOptions.MSS);
        if (off < 0 || optionLength(off) != 4 || mss < 0 || mss > 0xFFFF) {
            return false;
        }
        put16(buf, off + 2, mss);
        return true;
    }

    /** Adds an MSS option of {@code mss} if there is none (a SYN that had none); false if it did not fit. */
    public boolean addMssOptionIfMissing(int mss) {
        if (findOption(TcpOptions.MSS) >= 0) {
            return true;
        }
        put16(mssOpt, 2, mss);
        return insertOption(mssOpt, mssOpt.length, false);
    }

    /**
     * Overwrites {@code buf[off, off + len)} with NOPs, e.g. our option on the receive side
     * without moving the payload. Both ends must fall between options, so no option is cut
     * and the area stays well-formed; false (nothing done) otherwise.
     */
    public boolean replaceWithNops(int off, int len) {
        if (len < 0 || !isBoundary(off) || !isBoundary(off + len)) {
            return false;
        }
        java.util.Arrays.fill(buf, off, off + len, (byte) TcpOptions.NOP);
        return true;
    }

    /**
     * Appends the option {@code opt[0, optLen)} after the last option, re-pads with NOPs to a
     * multiple of 4 and grows the header, moving the payload. If 40 option bytes are not enough
     * it first drops the NOPs (alignment only), then, if {@code trimSack}, SACK blocks from the
     * last one backwards (RFC 2018 puts the most recent first), then the SACK option itself.
     *
     * @return false, the packet unchanged, if the option still does not fit or is not an option
     */
    public boolean insertOption(byte[] opt, int optLen, boolean trimSack) {
        if (opt == null || optLen < 2 || optLen > opt.length || optLen > TcpOptions.MAX_AREA
                || (opt[0] & 0xFF) <= TcpOptions.NOP || (opt[1] & 0xFF) != optLen) {
            return false;
        }
        int n = compose(true, TcpOptions.ALL_BLOCKS, -1, opt, optLen);
        if (n < 0) {
            n = compose(false, TcpOptions.ALL_BLOCKS, -1, opt, optLen);
        }
        int blocks = trimSack ? TcpOptions.sackBlocks(buf, optionsStart(), payloadOffset()) : -1;
        for (int k = Math.max(0, blocks - 1); n < 0 && blocks >= 0 && k >= 0; k--) {
            n = compose(false, k, -1, opt, optLen);
        }
        return n >= 0 && rewriteOptions(n);
    }

    /** Removes the option at {@code off} and shrinks the header (re-padded); false if {@code off} is not an option. */
    public boolean removeOption(int off) {
        if (!isOptionStart(off)) {
            return false;
        }
        return rewriteOptions(compose(true, TcpOptions.ALL_BLOCKS, off, null, 0));
    }

    /** True if {@code pos} is where an option starts or the list ends (anywhere after EOL counts). */
    private boolean isBoundary(int pos) {
        int end = payloadOffset();
        int o = optionsStart();
        while (o < end && o < pos && buf[o] != TcpOptions.EOL) {
            o += optionLength(o);
        }
        return pos >= optionsStart() && pos <= end && (o == pos || (o < pos && buf[o] == TcpOptions.EOL));
    }

    private boolean isOptionStart(int off) {
        for (int o = firstOption(); o >= 0 && o <= off; o = nextOption(o)) {
            if (o == off) {
                return optionKind(o) > TcpOptions.NOP;
            }
        }
        return false;
    }

    private int compose(boolean keepNops, int sackBlocks, int skipOff, byte[] opt, int optLen) {
        return TcpOptions.compose(buf, optionsStart(), payloadOffset(), area, keepNops, sackBlocks,
                skipOff, opt, optLen);
    }

    /** Replaces the option area with {@code area[0, n)} padded to a multiple of 4, moving the payload. */
    private boolean rewriteOptions(int n) {
        int newArea = TcpOptions.padWithNops(area, n);
        int delta = newArea - (tcpHeaderLength - TCP_HEADER);
        if (!lengthFits(totalLength + delta)) {
            return false;
        }
        int payload = payloadOffset();
        System.arraycopy(buf, payload, buf, payload + delta, totalLength - payload);
        System.arraycopy(area, 0, buf, optionsStart(), newArea);
        tcpHeaderLength = TCP_HEADER + newArea;
        buf[ipHeaderLength + DATA_OFFSET] = (byte) ((tcpHeaderLength / 4) << 4 | (buf[ipHeaderLength + DATA_OFFSET] & 0x0F));
        setTotalLength(totalLength + delta);
        return true;
    }

    // ---- payload and lengths --------------------------------------------------------------

    /**
     * Cuts the payload to {@code newLen} bytes or extends it (the new bytes are left as they
     * were in the buffer, for the caller to fill), updating the IP length.
     *
     * @return false, nothing changed, if the buffer or the IP length field cannot hold it
     */
    public boolean setPayloadLength(int newLen) {
        if (newLen < 0 || !lengthFits(payloadOffset() + newLen)) {
            return false;
        }
        setTotalLength(payloadOffset() + newLen);
        return true;
    }

    private boolean lengthFits(int total) {
        return ip.lengthFits(buf, total);
    }

    private void setTotalLength(int total) {
        totalLength = total;
        ip.setTotalLength(buf, total);
    }

    // ---- checksums ------------------------------------------------------------------------

    /** Recomputes the IPv4 header checksum and the TCP checksum (with its pseudo-header). */
    public void updateChecksums() {
        ip.updateChecksum(buf);
        int tcpLen = totalLength - ipHeaderLength;
        put16(buf, ipHeaderLength + CHECKSUM, 0);
        put16(buf, ipHeaderLength + CHECKSUM, Checksum.fold(tcpSum(tcpLen)));
    }

    /** True if the TCP checksum is right (header, payload and pseudo-header sum to all ones). */
    public boolean tcpChecksumValid() {
        return Checksum.fold(tcpSum(totalLength - ipHeaderLength)) == 0;
    }

    private int tcpSum(int tcpLen) {
        return Checksum.sum(buf, ipHeaderLength, tcpLen, ip.pseudoHeaderSum(buf, PROTO_TCP, tcpLen));
    }

    /** True if the IPv4 header checksum is right; always true for IPv6, which has none. */
    public boolean ipChecksumValid() {
        return ip.checksumValid(buf);
    }

    // ---- reset ----------------------------------------------------------------------------

    /**
     * Swaps source and destination (addresses and ports), so a packet seen in one direction
     * can be answered in the other, e.g. before {@link #makeRst}.
     */
    public void swapEndpoints() {
        for (int i = 0; i < addressLength(); i++) {
            swap(ip.srcOffset() + i, ip.dstOffset() + i);
        }
        for (int i = 0; i < 2; i++) {
            swap(ipHeaderLength + SPORT + i, ipHeaderLength + DPORT + i);
        }
    }

    private void swap(int a, int b) {
        byte t = buf[a];
        buf[a] = buf[b];
        buf[b] = t;
    }

    /**
     * Turns the packet in place into a bare RST with the same addresses and ports: no IP or TCP
     * options, no payload, window and urgent pointer 0, flags RST (plus ACK if {@code withAck},
     * else the ack field is 0), checksums recomputed. Used to reset the local application.
     */
    public void makeRst(long seq, long ack, boolean withAck) {
        ip.dropIpv4Options(buf, DPORT + 2); // keep the ports
        ipHeaderLength = ip.headerLength();
        writeBareHeader(buf, ipHeaderLength, seq, withAck ? ack : 0, withAck ? RST | ACK : RST);
        tcpHeaderLength = TCP_HEADER;
        setTotalLength(ipHeaderLength + TCP_HEADER);
        updateChecksums();
    }

    /** Writes TCP bytes 4..19 of a bare segment at {@code t}: seq, ack, data offset 5, flags, zero rest. */
    static void writeBareHeader(byte[] b, int t, long seq, long ack, int flags) {
        put32(b, t + SEQ, seq);
        put32(b, t + ACKNUM, ack);
        b[t + DATA_OFFSET] = (byte) (TCP_HEADER / 4 << 4);
        b[t + FLAGS] = (byte) flags;
        put16(b, t + WINDOW, 0);
        put16(b, t + CHECKSUM, 0);
        put16(b, t + URGENT, 0);
    }
}
