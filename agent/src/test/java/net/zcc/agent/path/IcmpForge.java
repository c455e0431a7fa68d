package net.zcc.agent.path;

import java.nio.ByteBuffer;

/** Builds ICMP "fragmentation needed" and ICMPv6 "packet too big" messages, as an attacker would forge them. */
final class IcmpForge {
    private IcmpForge() {
    }

    static byte[] v4(byte[] src, byte[] dst, int mtu, byte[] quoted, int quotedLen) {
        int icmpLen = 8 + quotedLen;
        ByteBuffer b = ByteBuffer.allocate(20 + icmpLen);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + icmpLen)).putShort((short) 7).putShort((short) 0)
                .put((byte) 64).put((byte) 1).putShort((short) 0).put(src).put(dst);
        b.put((byte) 3).put((byte) 4).putShort((short) 0).putShort((short) 0).putShort((short) mtu).put(quoted, 0, quotedLen);
        byte[] out = b.array();
        putSum(out, 10, sum(out, 0, 20, 0));
        putSum(out, 22, sum(out, 20, icmpLen, 0));
        return out;
    }

    static byte[] v6(byte[] src, byte[] dst, int mtu, byte[] quoted, int quotedLen) {
        int icmpLen = 8 + quotedLen;
        ByteBuffer b = ByteBuffer.allocate(40 + icmpLen);
        b.putInt(0x60000000).putShort((short) icmpLen).put((byte) 58).put((byte) 64).put(src).put(dst);
        b.put((byte) 2).put((byte) 0).putShort((short) 0).putInt(mtu).put(quoted, 0, quotedLen);
        byte[] out = b.array();
        int acc = sum(out, 8, 32, 0) + icmpLen + 58; // pseudo-header: addresses, length, next header
        putSum(out, 42, sum(out, 40, icmpLen, acc));
        return out;
    }

    private static int sum(byte[] b, int off, int len, int acc) {
        for (int i = 0; i + 1 < len; i += 2) {
            acc += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            acc += (b[off + len - 1] & 0xff) << 8;
        }
        return acc;
    }

    private static void putSum(byte[] b, int at, int acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xffff) + (acc >>> 16);
        }
        int s = ~acc & 0xffff;
        b[at] = (byte) (s >>> 8);
        b[at + 1] = (byte) s;
    }
}
