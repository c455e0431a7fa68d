package net.zcc.agent.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.nfqueue.InMemoryPacketQueue;
import net.zcc.agent.nfqueue.QueuedPacket;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * First contact: the SYN of a connection whose session key is still being negotiated waits in
 * the (twin) kernel queue, the queue goes on with other packets meanwhile, and the SYN leaves
 * with the OFFER once the key exists, or is refused when the key source gives up.
 */
class HeldSynTest {
    private static final byte[] A = addr("198.18.0.1");
    private static final byte[] B = addr("198.18.0.2");
    private static final int PORT = 8080;

    /** A key source whose answers the test gives, one future per peer. */
    private static final class DeferredKeys implements KeySource {
        final CompletableFuture<Optional<SessionKey>> answer = new CompletableFuture<>();
        int asked;

        @Override
        public Optional<SessionKey> current(InetAddress peer) {
            return answer.join();
        }

        @Override
        public synchronized CompletableFuture<Optional<SessionKey>> currentAsync(InetAddress peer) {
            asked++;
            return answer;
        }

        final CompletableFuture<Optional<SessionKey>> inbound = new CompletableFuture<>();

        @Override
        public Optional<SessionKey> byId(InetAddress peer, int keyId) {
            return Optional.empty();
        }

        @Override
        public CompletableFuture<Optional<SessionKey>> byIdAsync(InetAddress peer, int keyId) {
            return inbound;
        }
    }

    private final DeferredKeys keys = new DeferredKeys();
    private SimHost host;

    private SimHost host(Policy policy) {
        host = new SimHost(keys, new ServiceFile(List.of(new Service("s", ip(B), PORT, Role.SERVER,
                "aes-256", true, false, policy))));
        return host;
    }

    @AfterEach
    void close() {
        if (host != null) {
            host.dp.close();
        }
    }

    @Test
    void theSynWaitsForItsKeyWhileOtherPacketsFlowThenLeavesWithTheOffer() throws Exception {
        SimHost h = host(Policy.REQUIRE);
        int syn = h.sendNoWait(Seg.build(A, B, 40000, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        assertNull(h.settledWithin(syn, 20), "held while the key is negotiated");
        assertEquals(1, h.dp.heldNow());

        // Meanwhile an unprotected flow passes; with a packet held it gets its own verdict,
        // because a batch verdict would release the held SYN unchanged.
        int other = h.sendNoWait(Seg.build(A, B, 40001, 9999, 5, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        InMemoryPacketQueue.Settled passed = h.settledWithin(other, 100);
        assertNotNull(passed);
        assertEquals(QueuedPacket.Verdict.ACCEPT, passed.verdict());
        assertNull(h.settledWithin(syn, 1), "the other packet's verdict did not settle the held SYN");
        assertFalse(h.queueView().sentVerdicts().stream().anyMatch(InMemoryPacketQueue.SentVerdict::batch),
                "no batch verdict while a packet is held");

        keys.answer.complete(Optional.of(new SessionKey(7, new byte[32])));
        InMemoryPacketQueue.Settled released = h.settledWithin(syn, 2000);
        assertNotNull(released, "released once the key exists");
        assertEquals(QueuedPacket.Verdict.ACCEPT, released.verdict());
        TcpPacket p = Seg.view(released.packet());
        assertTrue(p.findExperimentalOption(ZccOption.EXID) >= 0, "the released SYN carries the OFFER");
        assertEquals(1, h.dp.counters().synsHeld());
        assertEquals(0, h.dp.heldNow());
        assertEquals(1, keys.asked, "the answer is used as given, not asked for again");

        // The hold is over: batch verdicts are back.
        int after = h.sendNoWait(Seg.build(A, B, 40002, 9999, 9, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        assertNotNull(h.settledWithin(after, 100));
        assertTrue(h.queueView().sentVerdicts().stream().anyMatch(v -> v.batch() && v.packetId() == after));
    }

    @Test
    void noKeyInTimeUnderRequireTurnsTheHeldSynIntoALocalReset() throws Exception {
        SimHost h = host(Policy.REQUIRE);
        int syn = h.sendNoWait(Seg.build(A, B, 40000, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        keys.answer.complete(Optional.empty()); // the key source's bounded wait ended
        InMemoryPacketQueue.Settled s = h.settledWithin(syn, 2000);
        assertNotNull(s);
        TcpPacket rst = Seg.view(s.packet());
        assertTrue(rst.hasFlags(TcpPacket.RST), "refused: a RST to the local stack");
        assertEquals(PORT, rst.srcPort(), "from the peer's side, so connect() fails at once");
        assertEquals(1, h.drops(DropReason.NO_KEY));
    }

    @Test
    void aKeyWipedBeforeTheHeldSynIsReleasedIsNeverUsed() throws Exception {
        SimHost h = host(Policy.REQUIRE);
        int syn = h.sendNoWait(Seg.build(A, B, 40000, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        SessionKey k = new SessionKey(7, new byte[32]);
        k.wipe(); // the peer was revoked between the handshake and the release
        keys.answer.complete(Optional.of(k));
        InMemoryPacketQueue.Settled s = h.settledWithin(syn, 2000);
        assertNotNull(s);
        assertTrue(Seg.view(s.packet()).hasFlags(TcpPacket.RST), "refused, not offered under a zeroed key");
        assertEquals(1, h.drops(DropReason.NO_KEY));
    }

    @Test
    void noKeyInTimeUnderOpportunisticLetsThePlainSynOut() throws Exception {
        SimHost h = host(Policy.OPPORTUNISTIC);
        int syn = h.sendNoWait(Seg.build(A, B, 40000, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        keys.answer.complete(Optional.empty());
        InMemoryPacketQueue.Settled s = h.settledWithin(syn, 2000);
        assertNotNull(s);
        TcpPacket p = Seg.view(s.packet());
        assertTrue(p.hasFlags(TcpPacket.SYN) && !p.hasFlags(TcpPacket.RST));
        assertTrue(p.findExperimentalOption(ZccOption.EXID) < 0, "no OFFER: plaintext, as the policy allows");
    }

    @Test
    void theHoldIsBoundedAndAFullHoldDropsTheSynForTcpToRetry() throws Exception {
        SimHost h = host(Policy.REQUIRE);
        for (int i = 0; i < DataPlane.MAX_HELD; i++) {
            h.sendNoWait(Seg.build(A, B, 20000 + i, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        }
        assertEquals(DataPlane.MAX_HELD, h.dp.heldNow());
        int extra = h.sendNoWait(Seg.build(A, B, 30000, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        InMemoryPacketQueue.Settled s = h.settledWithin(extra, 100);
        assertNotNull(s);
        assertEquals(QueuedPacket.Verdict.DROP, s.verdict());
        assertEquals(1, h.drops(DropReason.HOLD_FULL));
        keys.answer.complete(Optional.of(new SessionKey(7, new byte[32])));
        long until = System.nanoTime() + 5_000_000_000L;
        while (h.dp.heldNow() > 0 && System.nanoTime() < until) {
            Thread.sleep(2);
        }
        assertEquals(0, h.dp.heldNow(), "every held SYN released");
    }

    @Test
    void anOfferWaitsWhileTheResponderLearnsWhoOwnsTheAddressThenIsAccepted() throws Exception {
        SessionKey k = new SessionKey(7, new byte[32]);
        SimHost initiator = new SimHost(TwoAgentsTest.oneKey(new byte[32], 7), new ServiceFile(List.of(
                new Service("s", ip(B), PORT, Role.SERVER, "aes-256", true, false, Policy.REQUIRE))));
        byte[] syn = initiator.send(Seg.build(A, B, 40000, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        host = new SimHost(keys, new ServiceFile(List.of(new Service("s", ip(A), PORT, Role.CLIENT,
                "aes-256", true, false, Policy.REQUIRE))));
        int id = host.receiveNoWait(syn);
        assertNull(host.settledWithin(id, 20), "held while the directory is asked who owns 198.18.0.1");
        keys.inbound.complete(Optional.of(k));
        InMemoryPacketQueue.Settled s = host.settledWithin(id, 2000);
        assertNotNull(s);
        assertEquals(QueuedPacket.Verdict.ACCEPT, s.verdict());
        assertTrue(Seg.view(s.packet()).findExperimentalOption(ZccOption.EXID) < 0, "the OFFER is stripped for the stack");
        initiator.dp.close();
    }

    @Test
    void anOfferFromAnAddressWhoseOwnerHasNoSuchKeyIsDropped() throws Exception {
        SimHost initiator = new SimHost(TwoAgentsTest.oneKey(new byte[32], 7), new ServiceFile(List.of(
                new Service("s", ip(B), PORT, Role.SERVER, "aes-256", true, false, Policy.REQUIRE))));
        byte[] syn = initiator.send(Seg.build(A, B, 40000, PORT, 1000, 0, TcpPacket.SYN, Seg.SYN_OPTIONS, new byte[0]));
        host = new SimHost(keys, new ServiceFile(List.of(new Service("s", ip(A), PORT, Role.CLIENT,
                "aes-256", true, false, Policy.REQUIRE))));
        int id = host.receiveNoWait(syn);
        keys.inbound.complete(Optional.empty());
        InMemoryPacketQueue.Settled s = host.settledWithin(id, 2000);
        assertNotNull(s);
        assertEquals(QueuedPacket.Verdict.DROP, s.verdict());
        assertEquals(1, host.drops(DropReason.UNKNOWN_KEY_ID));
        initiator.dp.close();
    }

    private static byte[] addr(String s) {
        return ip(s).getAddress();
    }

    private static InetAddress ip(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
