package net.zcc.agent.wire;

import static net.zcc.agent.wire.Bytes.put16;

import java.util.Arrays;

/**
 * Builds a bare TCP RST from scratch (no options, no payload): used to reset the local
 * application of a connection the agent cannot serve (PROTOCOL.md section 9). To turn a
 * received packet into a RST in place, see {@link TcpPacket#makeRst}.
 *
 * <pre>
 * IPv4: 45 00 | length 40 | id 0 | DF | ttl 64 | proto 6 | checksum | src (4) | dst (4)
 * IPv6: 60 00 00 00 | payload length 20 | next header 6 | hop limit 64 | src (16) | dst (16)
 * TCP:  ports | seq | ack | data offset 5 | flags | window 0 | checksum | urgent 0
 * </pre>
 */
public final class TcpRst {
    /** Length of a built IPv4 RST. */
    public static final int IPV4_LENGTH = IpHeader.IPV4_HEADER + TcpPacket.TCP_HEADER;
    /** Length of a built IPv6 RST. */
    public static final int IPV6_LENGTH = IpHeader.IPV6_HEADER + TcpPacket.TCP_HEADER;
    private static final int TTL = 64;
    private static final int DONT_FRAGMENT = 0x4000;
    private static final int V4_TTL = 8;
    private static final int V6_HOP_LIMIT = 7;

    private TcpRst() {
    }

    /**
     * Writes a RST from {@code src}:{@code srcPort} to {@code dst}:{@code dstPort} at the start
     * of {@code out}, with checksums. Both addresses must have 4 bytes (IPv4) or 16 (IPv6).
     * Allocates one small view: for the rare reset path, not for every packet.
     *
     * @param flags the TCP flags, normally {@link TcpPacket#RST} or RST | ACK
     * @return the packet length, or -1 if the addresses or the room in {@code out} do not fit
     */
    public static int buildRst(byte[] out, byte[] src, byte[] dst, int srcPort, int dstPort,
                               long seq, long ack, int flags) {
        if (out == null || src == null || dst == null || src.length != dst.length) {
            return -1;
        }
        int ipLen = src.length == 4 ? IpHeader.IPV4_HEADER : src.length == 16 ? IpHeader.IPV6_HEADER : -1;
        if (ipLen < 0 || out.length < ipLen + TcpPacket.TCP_HEADER) {
            return -1;
        }
        int total = ipLen + TcpPacket.TCP_HEADER;
        Arrays.fill(out, 0, total, (byte) 0);
        if (ipLen == IpHeader.IPV4_HEADER) {
            writeIpv4(out, src, dst, total);
        } else {
            writeIpv6(out, src, dst);
        }
        put16(out, ipLen, srcPort);
        put16(out, ipLen + 2, dstPort);
        TcpPacket.writeBareHeader(out, ipLen, seq, ack, flags);
        TcpPacket view = new TcpPacket();
        view.parse(out, total);
        view.updateChecksums();
        return total;
    }

    private static void writeIpv4(byte[] out, byte[] src, byte[] dst, int total) {
        out[0] = 0x45;
        put16(out, IpHeader.V4_TOTAL_LENGTH, total);
        put16(out, IpHeader.V4_FRAGMENT, DONT_FRAGMENT);
        out[V4_TTL] = TTL;
        out[IpHeader.V4_PROTOCOL] = TcpPacket.PROTO_TCP;
        System.arraycopy(src, 0, out, IpHeader.V4_SRC, 4);
        System.arraycopy(dst, 0, out, IpHeader.V4_DST, 4);
    }

    private static void writeIpv6(byte[] out, byte[] src, byte[] dst) {
        out[0] = 0x60;
        put16(out, IpHeader.V6_PAYLOAD_LENGTH, TcpPacket.TCP_HEADER);
        out[IpHeader.V6_NEXT_HEADER] = TcpPacket.PROTO_TCP;
        out[V6_HOP_LIMIT] = TTL;
        System.arraycopy(src, 0, out, IpHeader.V6_SRC, 16);
        System.arraycopy(dst, 0, out, IpHeader.V6_DST, 16);
    }
}
