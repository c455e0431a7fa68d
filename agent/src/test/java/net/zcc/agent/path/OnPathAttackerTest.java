package net.zcc.agent.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.zcc.agent.path.Conversation.Setup;
import net.zcc.agent.path.Conversation.Step;
import net.zcc.agent.path.OnPathAttacker.Attack;
import net.zcc.agent.path.OnPathAttacker.Injection;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.servicefile.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The on-path attacker harness of issue 9: for every connection state, both policies, IPv4 and
 * IPv6, each packet an attacker without keys can make is injected, the genuine conversation is
 * driven on, and the invariants are checked:
 * <ol>
 *   <li>no plaintext byte of a {@code require} (or once-protected) connection reaches the wire;
 *   <li>no unauthenticated byte reaches an application;
 *   <li>no single packet without keys changes an established connection beyond counters: its
 *       state, keys and sequence anchors stay, and the rest of the conversation goes through;
 *   <li>every dropped packet is counted under a reason.
 * </ol>
 * The matrix below runs every (state, attack, policy, IP version) once with fixed numbers; a
 * random run ({@link net.zcc.agent.testing.RandomCases}, seed printed) adds 3,000 combinations with
 * random sequence numbers (wrap included), sizes, suites and compression.
 */
class OnPathAttackerTest {

    /** The connection state at the moment of the injection (PROTOCOL.md 8). */
    enum Phase {
        SYN_SENT(Step.A_SYN_OUT),
        SYN_RCVD(Step.B_SYN_IN),
        ESTABLISHED(Step.A_DATA),
        CLOSING(Step.A_FIN),
        REFUSED(Step.B_SYN_ACK),
        PLAINTEXT(Step.A_DATA);

        final Step last;

        Phase(Step last) {
            this.last = last;
        }

        boolean peerRunsZcc() {
            return this != REFUSED && this != PLAINTEXT;
        }

        boolean allows(Policy p) {
            return this == REFUSED ? p == Policy.REQUIRE : this != PLAINTEXT || p == Policy.OPPORTUNISTIC;
        }

        boolean established() {
            return this == ESTABLISHED || this == CLOSING;
        }
    }

    private static final AtomicInteger CASES = new AtomicInteger();

    /** Runs one scenario; returns the violations found (empty: the agents held). */
    static List<String> attack(Phase phase, Attack attack, Setup s) throws Exception {
        CASES.incrementAndGet();
        Conversation c = new Conversation(s);
        if (s.peerRunsZcc()) {
            c.openOtherConnection();
        }
        Step[] steps = Step.values();
        int i = 0;
        for (; i < steps.length; i++) {
            c.run(steps[i]);
            if (steps[i] == phase.last) {
                i++;
                break;
            }
        }
        Conversation.Snapshot beforeA = Conversation.Snapshot.of(c.entry(c.hostA));
        Conversation.Snapshot beforeB = Conversation.Snapshot.of(c.entry(c.hostB));
        Injection inj = OnPathAttacker.make(attack, c);
        if (inj != null) {
            c.inject(inj.target() == OnPathAttacker.Target.A ? c.hostA : c.hostB, inj.packet());
        }
        List<String> v = new ArrayList<>();
        if (phase.established()) {
            if (!java.util.Objects.equals(beforeA, Conversation.Snapshot.of(c.entry(c.hostA)))
                    || !java.util.Objects.equals(beforeB, Conversation.Snapshot.of(c.entry(c.hostB)))) {
                v.add("the injected packet changed an established connection: " + beforeA + " / " + beforeB
                        + " -> " + Conversation.Snapshot.of(c.entry(c.hostA)) + " / " + Conversation.Snapshot.of(c.entry(c.hostB)));
            }
        }
        for (; i < steps.length; i++) {
            byte[] got = c.run(steps[i]);
            if (phase.established() && got == null) {
                v.add("the genuine " + steps[i] + " did not get through after the attack");
            }
        }
        if (phase == Phase.REFUSED) {
            Connection e = c.entry(c.hostA);
            if (e == null || e.state != Connection.State.REFUSED) {
                v.add("a refused connection left REFUSED: " + e);
            }
        }
        v.addAll(0, c.violations);
        return v.stream().distinct().toList();
    }

    static Setup fixed(Phase phase, Policy policy, boolean v6) {
        return new Setup(v6, policy, phase.peerRunsZcc(), "aes-256", false, 0xfffffff0L, 0x7ffffff0L, 300, 200);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (Phase ph : Phase.values()) {
            for (Attack at : Attack.values()) {
                for (Policy po : Policy.values()) {
                    for (boolean v6 : new boolean[] {false, true}) {
                        if (ph.allows(po)) {
                            all.add(Arguments.of(ph, at, po, v6));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} v6={3}")
    @MethodSource("matrix")
    void everyStateEveryAttackEveryPolicy(Phase phase, Attack attack, Policy policy, boolean v6) throws Exception {
        List<String> v = attack(phase, attack, fixed(phase, policy, v6));
        assertEquals(List.of(), v, phase + " " + attack + " " + policy + (v6 ? " IPv6" : " IPv4"));
    }

    /** One generated scenario of {@link #randomStatesNumbersAndSizes}: printed when it fails. */
    record RandomCase(Phase phase, Attack attack, Setup setup) {
        static RandomCase of(java.util.Random r) {
            Phase phase = Phase.values()[r.nextInt(Phase.values().length)];
            Policy policy = phase == Phase.REFUSED ? Policy.REQUIRE : phase == Phase.PLAINTEXT ? Policy.OPPORTUNISTIC
                    : r.nextBoolean() ? Policy.OPPORTUNISTIC : Policy.REQUIRE;
            Setup s = new Setup(r.nextBoolean(), policy, phase.peerRunsZcc(), r.nextBoolean() ? "chacha20" : "aes-256",
                    r.nextBoolean(), isn(r), isn(r), 1 + r.nextInt(1400), 1 + r.nextInt(1400));
            return new RandomCase(phase, Attack.values()[r.nextInt(Attack.values().length)], s);
        }

        /** Half anywhere in the 32-bit space, half within 256 of the wrap, so the conversation crosses it. */
        private static long isn(java.util.Random r) {
            return r.nextBoolean() ? r.nextLong() & 0xffffffffL : 0xffffff00L + r.nextInt(256);
        }
    }

    @Test
    void randomStatesNumbersAndSizes() {
        int n = net.zcc.agent.testing.RandomCases.run("on-path attacker property", 3000, RandomCase::of, c -> {
            try {
                assertEquals(List.of(), attack(c.phase(), c.attack(), c.setup()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        System.out.println("on-path attacker harness: " + n + " random scenarios, " + CASES.get() + " scenarios in this JVM");
    }

    // ---- whole-connection rewriting and keystream reuse: what one packet cannot show ----------

    /**
     * An attacker who rewrites the ports of every packet (8080 -> 8081 towards B, back towards A)
     * must not land A's client on B's other protected service: the ports are in the keys, so
     * the SYN-ACK's handshake tag fails at A and nothing reaches the other service.
     */
    @Test
    void aConnectionRewrittenOntoAnotherServiceNeverOpens() throws Exception {
        Conversation c = new Conversation(fixed(Phase.ESTABLISHED, Policy.REQUIRE, false));
        byte[] syn = c.out(c.hostA, c.fromA(Conversation.PORT, c.setup.isnA(), 0, TcpPacket.SYN, new byte[0]));
        byte[] atB = c.in(c.hostB, rewritePorts(syn, Conversation.CLIENT_PORT, Conversation.OTHER_PORT), 'a');
        assertNotNull(atB, "B's agent takes the rewritten SYN for its other service");
        byte[] synAck = c.out(c.hostB, c.fromB(Conversation.OTHER_PORT, c.setup.isnB(), c.seqA(0),
                TcpPacket.SYN | TcpPacket.ACK, new byte[0]));
        assertNull(c.in(c.hostA, rewritePorts(synAck, Conversation.PORT, Conversation.CLIENT_PORT), 'b'),
                "A refuses a SYN-ACK whose keys were bound to other ports");
        assertEquals(1, c.hostA.drops(DropReason.BAD_HANDSHAKE_TAG));
        byte[] data = c.out(c.hostA, c.fromA(Conversation.PORT, c.seqA(0), c.seqB(0), TcpPacket.ACK | TcpPacket.PSH, c.streamA));
        assertNull(data, "A's agent sends nothing on a connection without keys");
    }

    /**
     * Sequence numbers and ISNs are not bound (PROTOCOL.md 4, 11). A firewall that shifts B's
     * sequence space consistently (seq on B to A, ack on A to B) changes nothing the tags cover:
     * the conversation goes through. The same shift on one packet only (the SYN-ACK) leaves every
     * later segment of B failing its tag: a stall, nothing delivered, nothing downgraded.
     */
    @Test
    void aConsistentSequenceShiftWorksAndAShiftedSynAckOnlyStalls() throws Exception {
        long delta = 0x12345678L;
        Conversation c = new Conversation(fixed(Phase.ESTABLISHED, Policy.REQUIRE, false));
        c.seqShiftA = delta;
        c.path = w -> shiftSequence(w, delta);
        for (Step s : Step.values()) {
            assertNotNull(c.run(s), s + " through an ISN-randomising firewall");
        }
        assertEquals(List.of(), c.violations);

        Conversation d = new Conversation(fixed(Phase.ESTABLISHED, Policy.REQUIRE, false));
        d.path = w -> Conversation.tcp(w).hasFlags(TcpPacket.SYN | TcpPacket.ACK) ? shiftSequence(w, delta) : w;
        d.run(Step.A_SYN_OUT);
        d.run(Step.B_SYN_IN);
        d.run(Step.B_SYN_ACK);
        d.run(Step.A_ACK);
        d.run(Step.A_DATA);
        assertNull(d.run(Step.B_DATA), "B's data fails its tag at A");
        assertTrue(d.hostA.drops(DropReason.BAD_MAC) > 0);
        assertEquals(List.of(), d.violations);
    }

    /** Adds {@code delta} to B's sequence numbers on B to A, and takes it off A's acks on A to B. */
    private static byte[] shiftSequence(byte[] w, long delta) {
        byte[] b = java.util.Arrays.copyOf(w, w.length + TcpPacket.MAX_GROWTH);
        TcpPacket p = new TcpPacket();
        if (p.parse(b, w.length) != null) {
            return w;
        }
        boolean fromB = p.srcPort() == Conversation.PORT;
        int field = p.tcpOffset() + (fromB ? 4 : 8);
        if (!fromB && !p.hasFlags(TcpPacket.ACK)) {
            return w;
        }
        long v = ((b[field] & 0xffL) << 24 | (b[field + 1] & 0xffL) << 16 | (b[field + 2] & 0xffL) << 8 | (b[field + 3] & 0xffL));
        v = (fromB ? v + delta : v - delta) & 0xffffffffL;
        b[field] = (byte) (v >>> 24);
        b[field + 1] = (byte) (v >>> 16);
        b[field + 2] = (byte) (v >>> 8);
        b[field + 3] = (byte) v;
        p.updateChecksums();
        return java.util.Arrays.copyOf(b, w.length);
    }

    private static byte[] rewritePorts(byte[] packet, int src, int dst) {
        byte[] b = java.util.Arrays.copyOf(packet, packet.length + TcpPacket.MAX_GROWTH);
        TcpPacket p = new TcpPacket();
        p.parse(b, packet.length);
        int t = p.tcpOffset();
        b[t] = (byte) (src >>> 8);
        b[t + 1] = (byte) src;
        b[t + 2] = (byte) (dst >>> 8);
        b[t + 3] = (byte) dst;
        p.updateChecksums();
        return java.util.Arrays.copyOf(b, packet.length);
    }

    /** Every attack of the list is exercised in every state that has what it needs. */
    @Test
    void everyAttackBuildsAPacketInSomeState() throws Exception {
        Set<Attack> built = EnumSet.noneOf(Attack.class);
        for (Phase ph : Phase.values()) {
            for (Attack at : Attack.values()) {
                Conversation c = new Conversation(fixed(ph, ph == Phase.PLAINTEXT ? Policy.OPPORTUNISTIC : Policy.REQUIRE, false));
                if (ph.peerRunsZcc()) {
                    c.openOtherConnection();
                }
                for (Step s : Step.values()) {
                    c.run(s);
                    if (s == ph.last) {
                        break;
                    }
                }
                if (OnPathAttacker.make(at, c) != null) {
                    built.add(at);
                }
            }
        }
        assertEquals(EnumSet.allOf(Attack.class), built);
    }
}
