package net.zcc.agent.wire;

import static net.zcc.agent.wire.Bytes.get16;
import static net.zcc.agent.wire.Bytes.get32;
import static net.zcc.agent.wire.Bytes.put16;
import static net.zcc.agent.wire.Bytes.put32;

/**
 * A reusable view over an inbound ICMPv4 "fragmentation needed" (type 3 code 4, RFC 1191) or
 * ICMPv6 "packet too big" (type 2, RFC 4443) at offset 0 of an array. The agent lowers its MTU
 * for protected connections (PROTOCOL.md section 3, PMTU), so it needs the quoted flow.
 *
 * <pre>
 * outer IP header (protocol 1 / next header 58), then at icmp = its length:
 *            ICMPv4                                   ICMPv6
 *  icmp+0    type 3 | code 4 | checksum (2)           type 2 | code | checksum (2)
 *  icmp+4    unused (2)      | next-hop MTU (2)       MTU (4)
 *  icmp+8    quoted IP header of the packet that was too big (its IHL, or 40 bytes) ...
 *  inner+ihl source port (2) | destination port (2) | sequence number (4)   at least these 8
 * </pre>
 *
 * The ICMPv4 checksum covers the ICMP message; the ICMPv6 checksum adds the IPv6 pseudo-header.
 */
public final class IcmpTooBig {
    static final int PROTO_ICMP = 1;
    static final int PROTO_ICMPV6 = 58;
    static final int ICMP_HEADER = 8;
    static final int TYPE_DEST_UNREACHABLE = 3;
    static final int CODE_FRAG_NEEDED = 4;
    static final int TYPE_PACKET_TOO_BIG = 2;
    /** The quoted TCP bytes an ICMP error always carries (RFC 792): ports and sequence number. */
    static final int QUOTED_TCP = 8;
    private static final int TYPE = 0;
    private static final int CODE = 1;
    private static final int CHECKSUM = 2;
    private static final int V4_MTU = 6;
    private static final int V6_MTU = 4;

    private final IpHeader outer = new IpHeader();
    private final IpHeader inner = new IpHeader();
    private byte[] buf;
    private int icmp;
    private int innerTcp;
    private int end;

    /**
     * Reads {@code buf[0, len)}. Never throws, whatever the bytes.
     *
     * @return null if it is a too-big error quoting IP + 8 bytes of TCP, else why not
     */
    public Malformation parse(byte[] buf, int len) {
        this.buf = null;
        if (buf == null || len < 1 || len > buf.length) {
            return Malformation.TRUNCATED;
        }
        int version = (buf[0] & 0xFF) >>> 4;
        Malformation m = outer.parse(buf, 0, len, version == 4 ? PROTO_ICMP : PROTO_ICMPV6, false);
        if (m == null) {
            m = parseIcmp(buf);
        }
        this.buf = m == null ? buf : null;
        return m;
    }

    private Malformation parseIcmp(byte[] b) {
        icmp = outer.headerLength();
        end = outer.totalLength();
        if (end - icmp < ICMP_HEADER) {
            return Malformation.TRUNCATED;
        }
        int type = b[icmp + TYPE] & 0xFF;
        boolean tooBig = outer.version() == 4
                ? type == TYPE_DEST_UNREACHABLE && (b[icmp + CODE] & 0xFF) == CODE_FRAG_NEEDED
                : type == TYPE_PACKET_TOO_BIG;
        if (!tooBig) {
            return Malformation.NOT_ICMP_TOO_BIG;
        }
        int quoted = icmp + ICMP_HEADER;
        if (inner.parse(b, quoted, end, TcpPacket.PROTO_TCP, true) != null || inner.version() != outer.version()) {
            return Malformation.BAD_QUOTED_PACKET;
        }
        innerTcp = quoted + inner.headerLength();
        return end - innerTcp < QUOTED_TCP ? Malformation.BAD_QUOTED_PACKET : null;
    }

    /** 4 (ICMPv4) or 6 (ICMPv6). */
    public int ipVersion() {
        return outer.version();
    }

    /** The MTU the error reports; an ICMPv6 value above {@code Integer.MAX_VALUE} reads as that. */
    public int mtu() {
        if (outer.version() == 4) {
            return get16(buf, icmp + V4_MTU);
        }
        return (int) Math.min(Integer.MAX_VALUE, get32(buf, icmp + V6_MTU));
    }

    /** Sets the MTU and recomputes the ICMP checksum; false (unchanged) if it does not fit the field. */
    public boolean setMtu(int mtu) {
        if (mtu < 0 || (outer.version() == 4 && mtu > 0xFFFF)) {
            return false;
        }
        if (outer.version() == 4) {
            put16(buf, icmp + V4_MTU, mtu);
        } else {
            put32(buf, icmp + V6_MTU, mtu);
        }
        put16(buf, icmp + CHECKSUM, 0);
        put16(buf, icmp + CHECKSUM, Checksum.fold(icmpSum()));
        return true;
    }

    /** True if the ICMP checksum is right. */
    public boolean checksumValid() {
        return Checksum.fold(icmpSum()) == 0;
    }

    private int icmpSum() {
        int icmpLen = end - icmp;
        int acc = outer.version() == 4 ? 0 : outer.pseudoHeaderSum(buf, PROTO_ICMPV6, icmpLen);
        return Checksum.sum(buf, icmp, icmpLen, acc);
    }

    /** 4 or 16: the length of the quoted addresses. */
    public int innerAddressLength() {
        return inner.addressLength();
    }

    /** Copies the quoted packet's source address (the local host's) into {@code dst}; returns its length. */
    public int copyInnerSrcAddress(byte[] dst, int off) {
        inner.copyAddress(buf, inner.srcOffset(), dst, off);
        return inner.addressLength();
    }

    /** Copies the quoted packet's destination address into {@code dst}; returns its length. */
    public int copyInnerDstAddress(byte[] dst, int off) {
        inner.copyAddress(buf, inner.dstOffset(), dst, off);
        return inner.addressLength();
    }

    /** True if {@code addr} is the quoted packet's source address. */
    public boolean innerSrcAddressEquals(byte[] addr) {
        return inner.addressEquals(buf, inner.srcOffset(), addr);
    }

    /** True if {@code addr} is the quoted packet's destination address. */
    public boolean innerDstAddressEquals(byte[] addr) {
        return inner.addressEquals(buf, inner.dstOffset(), addr);
    }

    /** The quoted TCP source port. */
    public int innerSrcPort() {
        return get16(buf, innerTcp);
    }

    /** The quoted TCP destination port. */
    public int innerDstPort() {
        return get16(buf, innerTcp + 2);
    }

    /** The quoted TCP sequence number, 0 .. 2^32 - 1. */
    public long innerSeq() {
        return get32(buf, innerTcp + 4);
    }
}
