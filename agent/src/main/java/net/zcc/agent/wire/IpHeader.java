package net.zcc.agent.wire;

import static net.zcc.agent.wire.Bytes.get16;
import static net.zcc.agent.wire.Bytes.put16;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A reusable view over one IPv4 or IPv6 header at {@code base} of an array: the part of
 * {@link TcpPacket} and {@link IcmpTooBig} (outer and quoted header) that is plain IP.
 *
 * <pre>
 * IPv4 (RFC 791)                               IPv6 (RFC 8200)
 *  0 ver|IHL  tos   total length                0 ver|traffic class|flow label
 *  4 identification   flags|fragment offset     4 payload length  next header  hop limit
 *  8 ttl  protocol   header checksum            8 source address (16)
 * 12 source address                            24 destination address (16)
 * 16 destination address                       40 upper layer
 * 20 options ... upper layer at IHL * 4
 * </pre>
 *
 * Extension headers are not walked: an IPv6 packet with any is refused.
 */
final class IpHeader {
    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int V4_TOTAL_LENGTH = 2;
    static final int V4_FRAGMENT = 6;
    static final int V4_FRAG_MASK = 0x3FFF; // MF flag and the 13-bit offset
    static final int V4_PROTOCOL = 9;
    static final int V4_CHECKSUM = 10;
    static final int V4_SRC = 12;
    static final int V4_DST = 16;
    static final int V6_PAYLOAD_LENGTH = 4;
    static final int V6_NEXT_HEADER = 6;
    static final int V6_SRC = 8;
    static final int V6_DST = 24;
    static final int MAX_IP_LENGTH = 0xFFFF;

    private int base;
    private int version;
    private int headerLength;
    private int totalLength;

    /**
     * Reads the header at {@code base}; {@code end} is where the received bytes end. A
     * {@code quoted} header (inside an ICMP error) may be cut, so its length field is not
     * checked against {@code end}.
     *
     * @return null if it is a non-fragment header of {@code protocol}, else why not
     */
    Malformation parse(byte[] b, int base, int end, int protocol, boolean quoted) {
        this.base = base;
        if (end - base < 1) {
            return Malformation.TRUNCATED;
        }
        version = (b[base] & 0xFF) >>> 4;
        Malformation m = version == 4 ? parseIpv4(b, end, protocol) : version == 6 ? parseIpv6(b, end, protocol)
                : Malformation.BAD_IP_HEADER;
        return m != null || quoted || base + totalLength <= end ? m : Malformation.TRUNCATED;
    }

    private Malformation parseIpv4(byte[] b, int end, int protocol) {
        if (end - base < IPV4_HEADER) {
            return Malformation.TRUNCATED;
        }
        headerLength = (b[base] & 0x0F) * 4;
        totalLength = get16(b, base + V4_TOTAL_LENGTH);
        if (headerLength < IPV4_HEADER || totalLength < headerLength) {
            return Malformation.BAD_IP_HEADER;
        }
        if ((get16(b, base + V4_FRAGMENT) & V4_FRAG_MASK) != 0) {
            return Malformation.FRAGMENT;
        }
        return (b[base + V4_PROTOCOL] & 0xFF) == protocol ? null : Malformation.NOT_TCP;
    }

    private Malformation parseIpv6(byte[] b, int end, int protocol) {
        if (end - base < IPV6_HEADER) {
            return Malformation.TRUNCATED;
        }
        headerLength = IPV6_HEADER;
        totalLength = IPV6_HEADER + get16(b, base + V6_PAYLOAD_LENGTH);
        int next = b[base + V6_NEXT_HEADER] & 0xFF;
        if (next == protocol) {
            return null;
        }
        return isExtensionHeader(next) ? Malformation.IPV6_EXTENSION_HEADERS : Malformation.NOT_TCP;
    }

    /** The IPv6 extension headers of the IANA registry (hop-by-hop, routing, fragment, ESP, AH, ...). */
    static boolean isExtensionHeader(int next) {
        return switch (next) {
            case 0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254 -> true;
            default -> false;
        };
    }

    int version() {
        return version;
    }

    int headerLength() {
        return headerLength;
    }

    /** The packet length the header claims (for a quoted header, the original packet's). */
    int totalLength() {
        return totalLength;
    }

    int addressLength() {
        return version == 4 ? 4 : 16;
    }

    int srcOffset() {
        return base + (version == 4 ? V4_SRC : V6_SRC);
    }

    int dstOffset() {
        return base + (version == 4 ? V4_DST : V6_DST);
    }

    /** Writes a new total length into the header (the IPv6 payload length for IPv6). */
    void setTotalLength(byte[] b, int total) {
        totalLength = total;
        if (version == 4) {
            put16(b, base + V4_TOTAL_LENGTH, total);
        } else {
            put16(b, base + V6_PAYLOAD_LENGTH, total - IPV6_HEADER);
        }
    }

    /** True if {@code total} bytes fit both the array and the header's 16-bit length field. */
    boolean lengthFits(byte[] b, int total) {
        int field = version == 4 ? total : total - IPV6_HEADER;
        return base + total <= b.length && field <= MAX_IP_LENGTH;
    }

    /** Removes IPv4 options, keeping the first {@code keep} bytes after them (moved up). */
    void dropIpv4Options(byte[] b, int keep) {
        if (version == 4 && headerLength > IPV4_HEADER) {
            System.arraycopy(b, base + headerLength, b, base + IPV4_HEADER, keep);
            b[base] = 0x45;
            headerLength = IPV4_HEADER;
        }
    }

    /** Recomputes the IPv4 header checksum; IPv6 has none. */
    void updateChecksum(byte[] b) {
        if (version == 4) {
            put16(b, base + V4_CHECKSUM, 0);
            put16(b, base + V4_CHECKSUM, Checksum.fold(Checksum.sum(b, base, headerLength, 0)));
        }
    }

    /** True if the IPv4 header checksum is right; always true for IPv6. */
    boolean checksumValid(byte[] b) {
        return version == 6 || Checksum.fold(Checksum.sum(b, base, headerLength, 0)) == 0;
    }

    /** The pseudo-header sum (RFC 793 / RFC 8200 section 8.1) for {@code upperLen} bytes of {@code proto}. */
    int pseudoHeaderSum(byte[] b, int proto, int upperLen) {
        int acc = Checksum.sum(b, srcOffset(), 2 * addressLength(), proto);
        // IPv6 uses a 32-bit length: its high half is a word of its own.
        return acc + (upperLen >>> 16) + (upperLen & 0xFFFF);
    }

    void copyAddress(byte[] b, int off, byte[] dst, int dstOff) {
        System.arraycopy(b, off, dst, dstOff, addressLength());
    }

    boolean addressEquals(byte[] b, int off, byte[] addr) {
        int n = addressLength();
        return addr != null && addr.length == n && Arrays.equals(b, off, off + n, addr, 0, n);
    }

    InetAddress inetAddress(byte[] b, int off) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + addressLength()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
