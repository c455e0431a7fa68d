package net.zcc.agent.path;

import java.nio.ByteBuffer;
import net.zcc.agent.wire.TcpPacket;

/** Builds the segments a Linux stack would send, for the two-agent tests (valid checksums). */
final class Seg {
    static final byte[] SYN_OPTIONS = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
    static final byte[] TS_OPTIONS = {1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 1};

    private Seg() {
    }

    static byte[] build(byte[] src, byte[] dst, int sport, int dport, long seq, long ack, int flags, byte[] options,
            byte[] payload) {
        int ipLen = src.length == 4 ? 20 : 40;
        int tcpLen = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(ipLen + tcpLen + payload.length);
        if (src.length == 4) {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (ipLen + tcpLen + payload.length)).putShort((short) 1)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(src).put(dst);
        } else {
            b.putInt(0x60000000).putShort((short) (tcpLen + payload.length)).put((byte) 6).put((byte) 64).put(src).put(dst);
        }
        b.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt((int) ack)
                .put((byte) ((tcpLen / 4) << 4)).put((byte) flags).putShort((short) 502).putShort((short) 0)
                .putShort((short) 0).put(options).put(payload);
        byte[] out = b.array();
        byte[] buf = new byte[out.length + TcpPacket.MAX_GROWTH];
        System.arraycopy(out, 0, buf, 0, out.length);
        TcpPacket p = new TcpPacket();
        if (p.parse(buf, out.length) != null) {
            throw new IllegalStateException("built an unparsable segment");
        }
        p.updateChecksums();
        return java.util.Arrays.copyOf(buf, out.length);
    }

    /** Parses a packet for inspection in assertions. */
    static TcpPacket view(byte[] packet) {
        byte[] buf = java.util.Arrays.copyOf(packet, packet.length + TcpPacket.MAX_GROWTH);
        TcpPacket p = new TcpPacket();
        if (p.parse(buf, packet.length) != null) {
            throw new IllegalStateException("unparsable packet");
        }
        return p;
    }

    static byte[] payload(byte[] packet) {
        TcpPacket p = view(packet);
        return java.util.Arrays.copyOfRange(p.buffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength());
    }
}
