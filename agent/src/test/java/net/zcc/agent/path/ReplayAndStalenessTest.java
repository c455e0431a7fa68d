package net.zcc.agent.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9, findings 3 and 6: an OFFER is good once per session key (a replay onto another
 * 4-tuple, or onto the same one after the connection ended, is refused), and under require a
 * peer the key server has not vouched for within the staleness bound gets no new connection.
 */
class ReplayAndStalenessTest {
    private static final byte[] A = {(byte) 198, 18, 0, 1};
    private static final byte[] B = {(byte) 198, 18, 0, 2};

    private static ServiceFile services(byte[] peer, Role role, Policy policy) throws Exception {
        return new ServiceFile(List.of(new Service("s", InetAddress.getByAddress(peer), 8080, role, "aes-256", true, false, policy)));
    }

    private static byte[] syn(int clientPort, long isn) {
        return Seg.build(A, B, clientPort, 8080, isn, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]);
    }

    @Test
    void anOfferIsAcceptedOnceUnderItsSessionKey() throws Exception {
        KeySource keys = TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42);
        SimHost a = new SimHost(keys, services(B, Role.SERVER, Policy.REQUIRE));
        SimHost b = new SimHost(keys, services(A, Role.CLIENT, Policy.REQUIRE));
        byte[] offer = a.send(syn(40000, 1000));
        assertNotNull(b.receive(offer), "the genuine SYN");
        assertNotNull(b.receive(offer), "its retransmission on the live connection's 4-tuple");

        byte[] elsewhere = rewriteSourcePort(offer, 40001);
        assertNull(b.receive(elsewhere), "the same OFFER replayed onto another 4-tuple");
        assertEquals(1, b.drops(DropReason.REPLAYED_OFFER));

        // The connection ends (RST from B's stack, sealed), then the old SYN comes again.
        byte[] synAck = b.send(Seg.build(B, A, 8080, 40000, 5000, 1001, TcpPacket.SYN | TcpPacket.ACK, Seg.SYN_OPTIONS, new byte[0]));
        assertNotNull(a.receive(synAck));
        byte[] rst = b.send(Seg.build(B, A, 8080, 40000, 5001, 1001, TcpPacket.RST | TcpPacket.ACK, Seg.TS_OPTIONS, new byte[0]));
        assertNotNull(rst, "B's reset goes out sealed");
        assertEquals(Connection.State.CLOSED, b.dp.table.get(new FlowKey(A, 8080, 40000)).state);
        assertNull(b.receive(offer), "the old SYN replayed onto the ended connection's 4-tuple");
        assertEquals(2, b.drops(DropReason.REPLAYED_OFFER));

        byte[] fresh = a.send(syn(40000, 777_777));
        assertNotNull(b.receive(fresh), "a new connection on the same port pair, with a new nonce, is fine");
        assertTrue(Seg.view(fresh).findExperimentalOption(ZccOption.EXID) >= 0);
    }

    private static byte[] rewriteSourcePort(byte[] packet, int port) {
        byte[] buf = java.util.Arrays.copyOf(packet, packet.length + TcpPacket.MAX_GROWTH);
        TcpPacket p = new TcpPacket();
        p.parse(buf, packet.length);
        buf[p.tcpOffset()] = (byte) (port >>> 8);
        buf[p.tcpOffset() + 1] = (byte) port;
        p.updateChecksums();
        return java.util.Arrays.copyOf(buf, packet.length);
    }

    /** The key file's keys, but the key server last vouched for every peer {@code since} ago. */
    private static KeySource vouchedAgo(Duration since) {
        KeySource k = TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42);
        return new KeySource() {
            @Override
            public Optional<SessionKey> current(InetAddress peer) {
                return k.current(peer);
            }

            @Override
            public Optional<SessionKey> byId(InetAddress peer, int keyId) {
                return k.byId(peer, keyId);
            }

            @Override
            public Duration sinceVouched(InetAddress peer) {
                return since;
            }
        };
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void aPeerNotVouchedForWithinTheBoundGetsNoNewConnectionUnderRequire(Policy policy) throws Exception {
        KeySource stale = vouchedAgo(Duration.ofMinutes(61));
        SimHost a = new SimHost(stale, services(B, Role.SERVER, policy));
        SimHost b = new SimHost(stale, services(A, Role.CLIENT, policy));
        byte[] out = a.send(syn(40000, 1000));
        assertNotNull(out);
        TcpPacket v = Seg.view(out);
        if (policy == Policy.REQUIRE) {
            assertTrue(v.hasFlags(TcpPacket.RST) && v.dstAddressEquals(A), "the SYN comes back to A's stack as a refusal");
            assertEquals(1, a.drops(DropReason.STALE_PEER));
            // And as responder: B refuses an OFFER from a peer it cannot vouch for.
            SimHost fresh = new SimHost(TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42), services(B, Role.SERVER, policy));
            assertNull(b.receive(fresh.send(syn(40001, 2000))));
            assertEquals(1, b.drops(DropReason.STALE_PEER));
        } else {
            assertTrue(v.findExperimentalOption(ZccOption.EXID) >= 0, "opportunistic keeps using the key: better than plaintext");
            assertNotNull(b.receive(out));
        }
        SimHost within = new SimHost(vouchedAgo(Duration.ofMinutes(59)), services(B, Role.SERVER, Policy.REQUIRE));
        assertTrue(Seg.view(within.send(syn(40002, 3000))).findExperimentalOption(ZccOption.EXID) >= 0, "within the bound: protected");
    }
}
