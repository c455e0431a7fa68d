package net.zcc.agent.path;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;

/**
 * Every packet an on-path attacker without keys can make (issue 9): it reads everything on the
 * wire, knows every address, port and sequence number, and injects. Each {@link Attack} builds
 * one packet from what the {@link Conversation} has put on the wire so far, aimed at one side.
 */
final class OnPathAttacker {
    static final byte[] EVIL = "EVIL-EVIL-EVIL-EVIL-EVIL".getBytes(StandardCharsets.US_ASCII);

    /** Which side's agent receives the injected packet. */
    enum Target { A, B }

    /** One injected packet: where it goes and its bytes. */
    record Injection(Target target, byte[] packet) {
    }

    enum Attack {
        PLAIN_SYN_TO_B, PLAIN_SYN_TO_A, REPLAYED_SYN, SYN_WITH_GARBLED_OFFER, SYN_WITH_OLD_VERSION_OFFER,
        SYN_ACK_NO_OPTION_WRONG_ACK, SYN_ACK_NO_OPTION_RIGHT_ACK, SYN_ACK_GARBLED_ACCEPT, REPLAYED_SYN_ACK,
        RST_NO_TAG_TO_A, RST_NO_TAG_TO_B, FIN_NO_TAG, RST_WITH_OLD_TAG, RST_WITH_OTHER_CONNECTIONS_TAG,
        DATA_NO_OPTION_TO_A, DATA_NO_OPTION_TO_B, ACK_NO_OPTION, REPLAYED_SEALED, SEALED_PORTS_CHANGED,
        SEALED_TO_OTHER_SERVICE, SEALED_WINDOW_CHANGED, SEALED_FLAGS_CHANGED, SEALED_SEQ_SHIFTED,
        SEALED_OPTION_TYPE_CHANGED, SEALED_PAYLOAD_FLIPPED, SEALED_REFLECTED, OTHER_CONNECTIONS_SEGMENT,
        FORGED_ICMP_TOO_BIG
    }

    private OnPathAttacker() {
    }

    /** The packet of {@code attack} given what is on the wire now; null if it needs something not seen yet. */
    static Injection make(Attack attack, Conversation c) {
        long ackOfA = c.seqA(0); // what B's SYN-ACK must acknowledge
        return switch (attack) {
            case PLAIN_SYN_TO_B -> to(Target.B, c.fromA(Conversation.PORT, c.setup.isnA() ^ 0x1234567, 0, TcpPacket.SYN, new byte[0]));
            case PLAIN_SYN_TO_A -> to(Target.A, c.fromB(Conversation.PORT, c.setup.isnB() ^ 0x7654321, 0, TcpPacket.SYN, new byte[0]));
            case REPLAYED_SYN -> replay(c, Target.B, TcpPacket.SYN, false);
            case SYN_WITH_GARBLED_OFFER -> changeOption(replay(c, Target.B, TcpPacket.SYN, false), ZccOption.OFF_NONCE_I, 0x01);
            case SYN_WITH_OLD_VERSION_OFFER -> changeOption(replay(c, Target.B, TcpPacket.SYN, false), ZccOption.OFF_VERSION_TYPE, 0x60);
            case SYN_ACK_NO_OPTION_WRONG_ACK -> to(Target.A, c.fromB(Conversation.PORT, c.setup.isnB() + 99, ackOfA + 1000,
                    TcpPacket.SYN | TcpPacket.ACK, new byte[0]));
            case SYN_ACK_NO_OPTION_RIGHT_ACK -> to(Target.A, c.fromB(Conversation.PORT, c.setup.isnB() + 99, ackOfA,
                    TcpPacket.SYN | TcpPacket.ACK, new byte[0]));
            case SYN_ACK_GARBLED_ACCEPT -> changeOption(replay(c, Target.A, TcpPacket.SYN | TcpPacket.ACK, false),
                    ZccOption.OFF_NONCE_R, 0x80);
            case REPLAYED_SYN_ACK -> replay(c, Target.A, TcpPacket.SYN | TcpPacket.ACK, false);
            case RST_NO_TAG_TO_A -> to(Target.A, c.fromB(Conversation.PORT, c.seqB(0), ackOfA, TcpPacket.RST | TcpPacket.ACK, new byte[0]));
            case RST_NO_TAG_TO_B -> to(Target.B, c.fromA(Conversation.PORT, c.seqA(0), c.seqB(0), TcpPacket.RST | TcpPacket.ACK, new byte[0]));
            case FIN_NO_TAG -> to(Target.B, c.fromA(Conversation.PORT, c.seqA(c.setup.sizeA()), c.seqB(0),
                    TcpPacket.FIN | TcpPacket.ACK, new byte[0]));
            case RST_WITH_OLD_TAG -> withFlags(sealedFrom(c, Target.B), TcpPacket.RST | TcpPacket.ACK, true);
            case RST_WITH_OTHER_CONNECTIONS_TAG -> c.otherConnectionSegment == null ? null
                    : withFlags(ports(to(Target.B, c.otherConnectionSegment.clone()), Conversation.CLIENT_PORT, Conversation.PORT),
                            TcpPacket.RST | TcpPacket.ACK, true);
            case DATA_NO_OPTION_TO_A -> to(Target.A, c.fromB(Conversation.PORT, c.seqB(0), c.seqA(0), TcpPacket.ACK | TcpPacket.PSH, EVIL));
            case DATA_NO_OPTION_TO_B -> to(Target.B, c.fromA(Conversation.PORT, c.seqA(0), c.seqB(0), TcpPacket.ACK | TcpPacket.PSH, EVIL));
            case ACK_NO_OPTION -> to(Target.B, c.fromA(Conversation.PORT, c.seqA(0), c.seqB(0), TcpPacket.ACK, new byte[0]));
            case REPLAYED_SEALED -> sealedFrom(c, Target.B);
            case SEALED_PORTS_CHANGED -> ports(sealedFrom(c, Target.B), Conversation.CLIENT_PORT + 1, Conversation.PORT);
            case SEALED_TO_OTHER_SERVICE -> ports(sealedFrom(c, Target.B), Conversation.CLIENT_PORT, Conversation.OTHER_PORT);
            case SEALED_WINDOW_CHANGED -> edit(sealedFrom(c, Target.B), 14, 0x40);
            case SEALED_FLAGS_CHANGED -> edit(sealedFrom(c, Target.B), 13, TcpPacket.URG);
            case SEALED_SEQ_SHIFTED -> edit(sealedFrom(c, Target.B), 7, 0x10);
            case SEALED_OPTION_TYPE_CHANGED -> changeOption(sealedFrom(c, Target.B), ZccOption.OFF_VERSION_TYPE, 0x07);
            case SEALED_PAYLOAD_FLIPPED -> flipPayload(sealedFrom(c, Target.B));
            case SEALED_REFLECTED -> reflect(sealedFrom(c, Target.B));
            case OTHER_CONNECTIONS_SEGMENT -> c.otherConnectionSegment == null ? null
                    : ports(to(Target.B, c.otherConnectionSegment.clone()), Conversation.CLIENT_PORT, Conversation.PORT);
            case FORGED_ICMP_TOO_BIG -> tooBig(c);
        };
    }

    private static Injection to(Target t, byte[] packet) {
        return new Injection(t, packet);
    }

    /** The last wire packet with exactly these SYN/ACK flags sent towards {@code t}'s peer, replayed to {@code t}. */
    private static Injection replay(Conversation c, Target t, int synAckFlags, boolean withPayload) {
        List<byte[]> w = c.wire;
        for (int i = w.size() - 1; i >= 0; i--) {
            TcpPacket p = Seg.view(w.get(i));
            boolean towardsT = t == Target.B ? p.dstPort() == Conversation.PORT : p.srcPort() == Conversation.PORT;
            if (towardsT && (p.flags() & (TcpPacket.SYN | TcpPacket.ACK)) == synAckFlags
                    && (!withPayload || p.payloadLength() > 0)) {
                return to(t, w.get(i).clone());
            }
        }
        return null;
    }

    /** A sealed data segment of this connection seen on the wire towards {@code t}, or null. */
    private static Injection sealedFrom(Conversation c, Target t) {
        Injection r = replay(c, t, TcpPacket.ACK, true);
        if (r == null) {
            return null;
        }
        return Seg.view(r.packet()).findExperimentalOption(ZccOption.EXID) >= 0 ? r : null;
    }

    private static Injection changeOption(Injection in, int field, int xor) {
        if (in == null) {
            return null;
        }
        byte[] b = in.packet();
        TcpPacket p = Seg.view(b);
        int off = p.findExperimentalOption(ZccOption.EXID);
        if (off < 0) {
            return null;
        }
        b[off + field] ^= (byte) xor;
        return fixed(in);
    }

    private static Injection edit(Injection in, int tcpByte, int xor) {
        if (in == null) {
            return null;
        }
        byte[] b = in.packet();
        b[Seg.view(b).tcpOffset() + tcpByte] ^= (byte) xor;
        return fixed(in);
    }

    private static Injection withFlags(Injection in, int flags, boolean dropPayload) {
        if (in == null) {
            return null;
        }
        byte[] b = in.packet();
        TcpPacket p = Seg.view(b);
        b[p.tcpOffset() + 13] = (byte) flags;
        if (dropPayload) {
            b = java.util.Arrays.copyOf(b, p.payloadOffset());
            setIpLength(b, p.payloadOffset());
        }
        return fixed(new Injection(in.target(), b));
    }

    private static Injection ports(Injection in, int src, int dst) {
        if (in == null) {
            return null;
        }
        byte[] b = in.packet();
        int t = Seg.view(b).tcpOffset();
        b[t] = (byte) (src >>> 8);
        b[t + 1] = (byte) src;
        b[t + 2] = (byte) (dst >>> 8);
        b[t + 3] = (byte) dst;
        return fixed(in);
    }

    private static Injection flipPayload(Injection in) {
        if (in == null) {
            return null;
        }
        TcpPacket p = Seg.view(in.packet());
        in.packet()[p.payloadOffset() + p.payloadLength() / 2] ^= 0x04;
        return fixed(in);
    }

    /** A's own sealed segment turned around, as if B had sent it: the direction is in the keys. */
    private static Injection reflect(Injection in) {
        if (in == null) {
            return null;
        }
        byte[] b = in.packet();
        TcpPacket p = Seg.view(b);
        p.swapEndpoints();
        return fixed(new Injection(Target.A, java.util.Arrays.copyOf(p.buffer(), p.totalLength())));
    }

    /** The attacker recomputes checksums: they are not secret. */
    private static Injection fixed(Injection in) {
        byte[] b = java.util.Arrays.copyOf(in.packet(), in.packet().length + TcpPacket.MAX_GROWTH);
        TcpPacket p = new TcpPacket();
        if (p.parse(b, in.packet().length) != null) {
            return in; // left malformed: the agent must drop it and count it
        }
        p.updateChecksums();
        return new Injection(in.target(), java.util.Arrays.copyOf(b, p.totalLength()));
    }

    private static void setIpLength(byte[] b, int total) {
        if ((b[0] >>> 4) == 4) {
            b[2] = (byte) (total >>> 8);
            b[3] = (byte) total;
        } else {
            int pl = total - 40;
            b[4] = (byte) (pl >>> 8);
            b[5] = (byte) pl;
        }
    }

    /** "Fragmentation needed" / "packet too big" to A, quoting A's last packet on the wire, MTU 600. */
    private static Injection tooBig(Conversation c) {
        byte[] quoted = null;
        for (int i = c.wire.size() - 1; i >= 0 && quoted == null; i--) {
            TcpPacket p = Seg.view(c.wire.get(i));
            if (p.dstPort() == Conversation.PORT) {
                quoted = c.wire.get(i);
            }
        }
        if (quoted == null) {
            return null;
        }
        boolean v6 = c.setup.v6();
        int q = Math.min(quoted.length, v6 ? 1232 : 548);
        byte[] router = c.b; // a router near B, or B itself: the attacker picks
        return to(Target.A, v6 ? IcmpForge.v6(router, c.a, 600, quoted, q) : IcmpForge.v4(router, c.a, 600, quoted, q));
    }
}
