package net.zcc.agent.path;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;

/**
 * A genuine TCP conversation between two Linux stacks, A (client) and B (server), each behind
 * its agent (the in-memory pair of {@link SimHost}s), with the wire in between recorded for an
 * attacker to replay from. The stacks follow a fixed script; every packet on its way is checked
 * against the invariants of the data plane (issue 9), and violations are collected, not thrown,
 * so a test can report every one of them.
 *
 * <pre>
 *  script: A SYN | B SYN-ACK | A ACK | A data | B data | A FIN | B FIN-ACK | A ACK
 * </pre>
 */
final class Conversation {
    static final int PORT = 8080;
    static final int OTHER_PORT = 8081;
    static final int CLIENT_PORT = 40000;
    static final byte[] SECRET = "SECRET".getBytes(StandardCharsets.US_ASCII);

    /** What the scenario varies. */
    record Setup(boolean v6, Policy policy, boolean peerRunsZcc, String scheme, boolean compress,
            long isnA, long isnB, int sizeA, int sizeB) {
    }

    final Setup setup;
    final byte[] a;
    final byte[] b;
    final SimHost hostA;
    /** B's agent; null when B runs no ZCC at all (its stack then sees the wire as it is). */
    final SimHost hostB;
    /** Every packet that crossed the wire, in order: what an on-path attacker has seen. */
    final List<byte[]> wire = new ArrayList<>();
    /** A sealed data segment of another protected connection between the same hosts (port 8081), if any. */
    byte[] otherConnectionSegment;
    final List<String> violations = new ArrayList<>();
    /** Once a side's connection had keys it stays protected: nothing may downgrade it (sticky). */
    private boolean everProtectedA;
    private boolean everProtectedB;
    final byte[] streamA;
    final byte[] streamB;
    private int dropVerdicts;

    Conversation(Setup s) throws Exception {
        setup = s;
        a = InetAddress.getByName(s.v6 ? "2001:2::1" : "198.18.0.1").getAddress();
        b = InetAddress.getByName(s.v6 ? "2001:2::2" : "198.18.0.2").getAddress();
        KeySource keys = TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42);
        hostA = new SimHost(keys, services(b, Role.SERVER, s));
        hostB = s.peerRunsZcc ? new SimHost(keys, services(a, Role.CLIENT, s)) : null;
        streamA = secretStream('a', Math.max(1, s.sizeA));
        streamB = secretStream('b', Math.max(1, s.sizeB));
    }

    private static ServiceFile services(byte[] peer, Role role, Setup s) throws Exception {
        InetAddress p = InetAddress.getByAddress(peer);
        return new ServiceFile(List.of(new Service("s", p, PORT, role, s.scheme, true, s.compress, s.policy),
                new Service("t", p, OTHER_PORT, role, s.scheme, true, s.compress, s.policy)));
    }

    /** Bytes that are recognisable anywhere: "SECRET" and a side letter, repeated. */
    private static byte[] secretStream(char side, int n) {
        byte[] out = new byte[n];
        byte[] unit = ("SECRET-" + side + "-").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            out[i] = unit[i % unit.length];
        }
        return out;
    }

    // ---- the stacks' segments --------------------------------------------------------------

    byte[] fromA(int port, long seq, long ack, int flags, byte[] payload) {
        return Seg.build(a, b, CLIENT_PORT, port, seq, ack, flags, (flags & TcpPacket.SYN) != 0 ? Seg.SYN_OPTIONS : Seg.TS_OPTIONS, payload);
    }

    byte[] fromB(int port, long seq, long ack, int flags, byte[] payload) {
        return Seg.build(b, a, port, CLIENT_PORT, seq, ack, flags, (flags & TcpPacket.SYN) != 0 ? Seg.SYN_OPTIONS : Seg.TS_OPTIONS, payload);
    }

    long seqA(int off) {
        return (setup.isnA + 1 + off) & 0xffffffffL;
    }

    long seqB(int off) {
        return (setup.isnB + 1 + off) & 0xffffffffL;
    }

    /** B's sequence number as A's stack knows it: shifted if the path shifts B's sequence space. */
    long bAsSeenByA(int off) {
        return (seqB(off) + seqShiftA) & 0xffffffffL;
    }

    // ---- the script --------------------------------------------------------------------------

    /** Step names, in script order; an attack is injected after one of them. */
    enum Step { A_SYN_OUT, B_SYN_IN, B_SYN_ACK, A_ACK, A_DATA, B_DATA, A_FIN, B_FIN, A_LAST_ACK }

    /** The A SYN on the wire between A_SYN_OUT and B_SYN_IN. */
    private byte[] synOnWire;

    /** Runs one step of the genuine script; returns what the receiving stack got (or null). */
    byte[] run(Step step) {
        int la = setup.sizeA;
        int lb = setup.sizeB;
        return switch (step) {
            case A_SYN_OUT -> {
                synOnWire = out(hostA, fromA(PORT, setup.isnA, 0, TcpPacket.SYN, new byte[0]));
                yield synOnWire;
            }
            case B_SYN_IN -> synOnWire == null ? null : in(hostB, path.apply(synOnWire), 'a');
            case B_SYN_ACK -> across(hostB, hostA, fromB(PORT, setup.isnB, seqA(0), TcpPacket.SYN | TcpPacket.ACK, new byte[0]), 'b');
            case A_ACK -> across(hostA, hostB, fromA(PORT, seqA(0), bAsSeenByA(0), TcpPacket.ACK, new byte[0]), 'a');
            case A_DATA -> across(hostA, hostB, fromA(PORT, seqA(0), bAsSeenByA(0), TcpPacket.ACK | TcpPacket.PSH, streamA), 'a');
            case B_DATA -> across(hostB, hostA, fromB(PORT, seqB(0), seqA(la), TcpPacket.ACK | TcpPacket.PSH, streamB), 'b');
            case A_FIN -> across(hostA, hostB, fromA(PORT, seqA(la), bAsSeenByA(lb), TcpPacket.ACK | TcpPacket.FIN, new byte[0]), 'a');
            case B_FIN -> across(hostB, hostA, fromB(PORT, seqB(lb), seqA(la + 1), TcpPacket.ACK | TcpPacket.FIN, new byte[0]), 'b');
            case A_LAST_ACK -> across(hostA, hostB, fromA(PORT, seqA(la + 1), bAsSeenByA(lb + 1), TcpPacket.ACK, new byte[0]), 'a');
        };
    }

    /** A second protected connection (port 8081) set up and carrying one sealed segment, for cross-connection replays. */
    void openOtherConnection() {
        long ia = setup.isnA ^ 0x5555;
        long ib = setup.isnB ^ 0x3333;
        byte[] syn = out(hostA, fromA(OTHER_PORT, ia, 0, TcpPacket.SYN, new byte[0]));
        in(hostB, syn, 'x');
        byte[] synAck = out(hostB, fromB(OTHER_PORT, ib, ia + 1, TcpPacket.SYN | TcpPacket.ACK, new byte[0]));
        in(hostA, synAck, 'x');
        byte[] data = fromA(OTHER_PORT, ia + 1, ib + 1, TcpPacket.ACK | TcpPacket.PSH, "other connection".getBytes(StandardCharsets.US_ASCII));
        otherConnectionSegment = out(hostA, data);
        in(hostB, otherConnectionSegment, 'x');
    }

    /** What the path does to every packet between the agents (a rewriting middlebox); identity by default. */
    java.util.function.UnaryOperator<byte[]> path = java.util.function.UnaryOperator.identity();

    private byte[] across(SimHost from, SimHost to, byte[] segment, char side) {
        byte[] w = out(from, segment);
        return w == null ? null : in(to, path.apply(w), side);
    }

    /** Through the sender's agent to the wire; checks invariant 1 on what leaves. */
    byte[] out(SimHost host, byte[] segment) {
        if (host == null) { // no agent: the stack's segment is the wire's
            wire.add(segment.clone());
            return segment;
        }
        long drops = host.dp.counters().totalDrops();
        byte[] w = host.send(segment);
        countDrop(host, drops, w);
        noteProtected(host);
        if (w != null && !reflectedToSelf(host, w)) {
            wire.add(w.clone());
            checkLeavesProtected(host, w);
        }
        return w == null || reflectedToSelf(host, w) ? null : w;
    }

    /** From the wire through the receiver's agent; checks invariant 2 on what its stack gets. */
    byte[] in(SimHost host, byte[] packet, char side) {
        if (host == null) {
            return packet;
        }
        long drops = host.dp.counters().totalDrops();
        byte[] got = host.receive(packet);
        countDrop(host, drops, got);
        noteProtected(host);
        if (got != null) {
            checkDeliveredAuthentic(host, got);
        }
        return got;
    }

    /** An attacker's packet, put on the wire towards {@code host}. */
    byte[] inject(SimHost host, byte[] packet) {
        return in(host, packet, '!');
    }

    private void noteProtected(SimHost host) {
        Connection c = entry(host);
        if (c != null && c.keys != null) {
            if (host == hostA) {
                everProtectedA = true;
            } else {
                everProtectedB = true;
            }
        }
    }

    private void countDrop(SimHost host, long dropsBefore, byte[] result) {
        if (result == null) {
            dropVerdicts++;
            if (host.dp.counters().totalDrops() <= dropsBefore) {
                violations.add("a packet was dropped without a counted reason");
            }
        }
    }

    private boolean reflectedToSelf(SimHost host, byte[] w) {
        TcpPacket p = tcp(w);
        byte[] self = host == hostA ? a : b;
        return p != null && p.dstAddressEquals(self); // turned around to the local stack (a reset), not sent
    }

    /** The TCP view of a packet, or null for anything else (an ICMP error). */
    static TcpPacket tcp(byte[] packet) {
        byte[] buf = Arrays.copyOf(packet, packet.length + TcpPacket.MAX_GROWTH);
        TcpPacket p = new TcpPacket();
        return p.parse(buf, packet.length) == null ? p : null;
    }

    // ---- invariants ---------------------------------------------------------------------------

    /** The connection as {@code host}'s agent knows it (port 8080), or null. */
    Connection entry(SimHost host) {
        if (host == null) {
            return null;
        }
        byte[] peer = host == hostA ? b : a;
        return host == hostA ? host.dp.table.get(new FlowKey(peer, CLIENT_PORT, PORT))
                : host.dp.table.get(new FlowKey(peer, PORT, CLIENT_PORT));
    }

    /** Whether this side of the connection must never show plaintext: require, or once it was protected. */
    private boolean mustBeProtected(SimHost host) {
        return setup.policy == Policy.REQUIRE || (host == hostA ? everProtectedA : everProtectedB);
    }

    /** Invariant 1: no plaintext byte of a protected connection reaches the wire. */
    private void checkLeavesProtected(SimHost host, byte[] w) {
        TcpPacket p = tcp(w);
        if (p == null) {
            return; // ICMP: carries no payload of ours
        }
        if (p.srcPort() != PORT && p.dstPort() != PORT) {
            return; // the other connection: checked by its own sealing
        }
        if (!mustBeProtected(host)) {
            return;
        }
        if (contains(w, SECRET)) {
            violations.add("plaintext of a protected connection on the wire: " + describe(p));
        }
        if (p.payloadLength() > 0 && p.findExperimentalOption(ZccOption.EXID) < 0) {
            violations.add("payload on the wire without a ZCC option: " + describe(p));
        }
    }

    /** Invariant 2: no unauthenticated byte reaches an application of a protected connection. */
    private void checkDeliveredAuthentic(SimHost host, byte[] got) {
        TcpPacket p = tcp(got);
        if (p == null || p.payloadLength() == 0 || p.dstPort() == OTHER_PORT || p.srcPort() == OTHER_PORT) {
            return;
        }
        Connection c = entry(host);
        if (c == null || c.keys == null || c.state == Connection.State.REFUSED) {
            if (c == null || c.state != Connection.State.PLAINTEXT || mustBeProtected(host)) {
                violations.add("payload delivered to " + (host == hostA ? "A" : "B")
                        + " without an open protected connection: " + describe(p));
            }
            return; // a plaintext connection (opportunistic): unauthenticated by definition
        }
        boolean toA = host == hostA;
        byte[] stream = toA ? streamB : streamA;
        long isn = toA ? setup.isnB : setup.isnA;
        long off = (p.seq() - isn - seqShiftSeenBy(host) - 1) & 0xffffffffL;
        byte[] payload = Seg.payload(got);
        if (off + payload.length > stream.length || !Arrays.equals(payload, 0, payload.length, stream, (int) off, (int) off + payload.length)) {
            violations.add("unauthenticated bytes delivered to " + (toA ? "A" : "B") + ": " + describe(p));
        }
    }

    /** How far the path shifted the sequence numbers this host's stack sees (an ISN-randomising firewall). */
    long seqShiftA;

    private long seqShiftSeenBy(SimHost host) {
        return host == hostA ? seqShiftA : 0;
    }

    /** Invariant 4: every drop verdict was counted under a reason (checked per packet in {@link #countDrop}). */
    int dropVerdicts() {
        return dropVerdicts;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static String describe(TcpPacket p) {
        return String.format("%d->%d seq %d ack %d flags 0x%02x len %d", p.srcPort(), p.dstPort(), p.seq(), p.ack(),
                p.flags(), p.payloadLength());
    }

    /** What must not change in an established connection when a keyless packet arrives. */
    record Snapshot(Connection.State state, Object keys, long isnPeer, long isnLocal, String nonces, boolean finIn) {
        static Snapshot of(Connection c) {
            if (c == null) {
                return null;
            }
            synchronized (c) {
                return new Snapshot(c.state, c.keys, c.isnPeer, c.isnLocal,
                        java.util.HexFormat.of().formatHex(c.nonceI) + java.util.HexFormat.of().formatHex(c.nonceR), c.finIn);
            }
        }
    }
}
