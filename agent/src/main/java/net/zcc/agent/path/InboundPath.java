package net.zcc.agent.path;

import java.util.Optional;
import net.zcc.agent.crypto.CipherSuites;
import net.zcc.agent.crypto.CompressionException;
import net.zcc.agent.crypto.ConnectionKeys;
import net.zcc.agent.crypto.MacInput;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.path.Connection.State;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Service;

/**
 * Opens what the peer sent before this host's stack sees it (PROTOCOL.md 6, 8). The local stack
 * only ever receives plaintext it can trust, a reset, or nothing.
 *
 * <pre>
 *  ICMP too-big quoting a protected flow -> lower the MTU by the option's room
 *  SYN on a live connection's 4-tuple    -> never replaces it: its own retransmission passes,
 *                                           a confirmed connection's stack gets it (challenge ACK),
 *                                           anything else is dropped
 *  SYN with OFFER (peer initiates)       -> new connection: nonce_i not seen before, strip the option
 *  SYN-ACK not acknowledging our SYN     -> dropped: it answers nothing we sent
 *  SYN-ACK with ACCEPT (we initiated)    -> derive keys, verify the handshake tag, strip
 *  SYN-ACK without ACCEPT                -> require: the local stack gets a RST it accepts, then
 *                                           nothing passes; opportunistic: plaintext
 *  any other segment                     -> decrypt, verify the tag, [decompress], strip
 *  segment of an unknown connection      -> drop; the local stack gets a RST (after a restart)
 * </pre>
 */
final class InboundPath {
    private final DataPlane dp;

    InboundPath(DataPlane dp) {
        this.dp = dp;
    }

    Action handle(Worker w, int len) {
        TcpPacket p = w.tcp;
        var bad = p.parse(w.buf, len);
        if (bad != null) {
            return w.icmp.parse(w.buf, len) == null ? tooBig(w) : dp.drop(w, DropReason.MALFORMED);
        }
        byte[] peer = new byte[p.addressLength()];
        p.copySrcAddress(peer, 0);
        FlowKey key = new FlowKey(peer, p.dstPort(), p.srcPort());
        Connection c = dp.table.get(key);
        if (c != null) {
            w.service = c.traffic;
        }
        if (p.hasFlags(TcpPacket.SYN) && !p.hasFlags(TcpPacket.ACK)) {
            if (c != null) {
                synchronized (c) {
                    if (c.state != State.CLOSED) {
                        return synOnLive(w, p, c);
                    }
                }
            }
            return syn(w, p, key);
        }
        if (c == null) {
            return unknown(w, p, key);
        }
        synchronized (c) {
            c.lastSeenNanos = dp.now();
            return switch (c.state) {
                case PLAINTEXT -> Action.PASS;
                case REFUSED -> dp.drop(w, DropReason.REFUSED_CONNECTION);
                case SYN_SENT -> p.hasFlags(TcpPacket.SYN) ? synAck(w, p, c)
                        : p.hasFlags(TcpPacket.RST) ? plainRstInSynSent(w, p, c) : dp.drop(w, DropReason.MISSING_OPTION);
                case SYN_RCVD -> dp.drop(w, DropReason.MISSING_OPTION);
                case ESTABLISHED, CLOSED -> p.hasFlags(TcpPacket.SYN)
                        ? (c.initiator ? synAck(w, p, c) : dp.drop(w, DropReason.BAD_OPTION))
                        : open(w, p, c);
            };
        }
    }

    /**
     * A SYN on the 4-tuple of a connection that has not ended. It never replaces the connection
     * (a SYN carries nothing an attacker could not forge or replay): the peer's retransmission of
     * its own SYN passes (our stack answers with its SYN-ACK again); on a connection the peer has
     * confirmed, the stack gets the SYN and answers with a challenge ACK (RFC 5961), which goes
     * out sealed; anything else is dropped.
     */
    private Action synOnLive(Worker w, TcpPacket p, Connection c) {
        if (c.state == State.PLAINTEXT) {
            return Action.PASS; // an unprotected connection (opportunistic): nothing to protect
        }
        int off = p.findExperimentalOption(ZccOption.EXID);
        if (!c.initiator && p.payloadLength() == 0) {
            boolean ownRetransmission = p.seq() == c.isnPeer && off >= 0
                    && ZccOption.type(w.buf, off, p.optionLength(off)) == ZccOption.TYPE_OFFER
                    && ZccOption.nonceIEquals(w.buf, off, c.nonceI);
            if (ownRetransmission || (c.state == State.ESTABLISHED && c.peerConfirmed)) {
                c.lastSeenNanos = dp.now();
                dp.counters.passed.increment();
                return off >= 0 ? strip(p, off) : Action.PASS;
            }
        }
        return dp.drop(w, DropReason.SYN_ON_LIVE_CONNECTION);
    }

    /** ICMP "fragmentation needed" / "packet too big" for one of our flows: make room for the option. */
    private Action tooBig(Worker w) {
        var icmp = w.icmp;
        byte[] peer = new byte[icmp.innerAddressLength()];
        icmp.copyInnerDstAddress(peer, 0); // the quoted packet is one we sent: its destination is the peer
        Connection c = dp.table.get(new FlowKey(peer, icmp.innerSrcPort(), icmp.innerDstPort()));
        if (c == null || icmp.mtu() <= OutboundPath.MSS_CLAMP) {
            return Action.PASS;
        }
        synchronized (c) {
            if (c.state == State.PLAINTEXT || c.state == State.REFUSED) {
                return Action.PASS;
            }
        }
        icmp.setMtu(icmp.mtu() - OutboundPath.MSS_CLAMP);
        w.icmpRewritten = true;
        dp.counters.mtuAdjusted.increment();
        return Action.REWRITE;
    }

    /**
     * A segment no connection knows. If it is ZCC's (it carries our option, or its port pair is a
     * protected service), it belongs to a connection whose keys this agent lost: drop it and reset
     * the local side, so the application sees a reset instead of a hang, plaintext or garbage.
     */
    private Action unknown(Worker w, TcpPacket p, FlowKey key) {
        ServiceIndex index = dp.services;
        Service s = index.any(key);
        w.service = index.traffic(s);
        boolean ours = p.findExperimentalOption(ZccOption.EXID) >= 0 || s != null;
        if (!ours) {
            dp.counters.passed.increment();
            return Action.PASS;
        }
        dp.countDrop(w, DropReason.UNKNOWN_CONNECTION);
        if (p.hasFlags(TcpPacket.RST)) {
            return Action.DROP;
        }
        long rcvNxt = dp.resetHints.rcvNxt(key);
        if (rcvNxt < 0) {
            // Ask the stack where it stands: an ACK far outside its window earns a duplicate ACK
            // that carries rcv_nxt (the outbound path records it). No payload reaches the stack.
            p.makeRst((p.seq() - (1L << 30)) & 0xffffffffL, p.ack(), true);
            w.buf[p.tcpOffset() + 13] = (byte) TcpPacket.ACK;
        } else {
            dp.events.info("segment of unknown protected connection {0}: local side reset", key);
            p.makeRst(rcvNxt, 0, false);
            dp.counters.localResets.increment();
        }
        p.updateChecksums();
        return Action.REWRITE;
    }

    /**
     * A RST without option in SYN_SENT: the peer's stack refused our SYN (nothing listens), and
     * its agent had no keys to tag it with. It reaches our stack only if it acknowledges our SYN,
     * as the stack itself demands; the entry stays (and is swept), so a forged RST changes
     * nothing here and can at most refuse a connection an on-path attacker could drop anyway.
     */
    private Action plainRstInSynSent(Worker w, TcpPacket p, Connection c) {
        if (!p.hasFlags(TcpPacket.ACK) || p.ack() != c.expectedAckOfSyn()) {
            return dp.drop(w, DropReason.UNACCEPTABLE_ACK);
        }
        return Action.PASS;
    }

    /** 1. The peer opens a connection to one of our protected services. */
    private Action syn(Worker w, TcpPacket p, FlowKey key) {
        ServiceIndex index = dp.services;
        Service s = index.client(key.peer(), key.localPort());
        int off = p.findExperimentalOption(ZccOption.EXID);
        if (s == null) {
            return Action.PASS; // not protected here; an OFFER is ignored by the stack
        }
        w.service = index.traffic(s);
        if (off < 0) {
            return plainSyn(w, key, s);
        }
        if (ZccOption.type(w.buf, off, p.optionLength(off)) != ZccOption.TYPE_OFFER) {
            return dp.drop(w, DropReason.BAD_OPTION);
        }
        if (p.payloadLength() > 0) {
            return dp.drop(w, DropReason.SYN_WITH_DATA);
        }
        int suite = ZccOption.suite(w.buf, off);
        if (suite != CipherSuites.byScheme(s.scheme()).number()) {
            return dp.drop(w, DropReason.SUITE_MISMATCH);
        }
        int keyId = ZccOption.keyId(w.buf, off);
        Optional<SessionKey> k = w.resolvedKey;
        if (k == null) {
            var f = dp.keys.byIdAsync(OutboundPath.address(key), keyId);
            if (!f.isDone()) {
                // The key source must first learn which host owns the SYN's address (a directory
                // lookup); the SYN waits in the kernel meanwhile, the queue goes on.
                w.pendingKey = f;
                return Action.HOLD;
            }
            k = f.getNow(Optional.empty());
        }
        byte[] sessionKey = k.isPresent() ? k.get().copyOfKey() : null; // null: none, or wiped meanwhile
        if (sessionKey == null) {
            return dp.drop(w, DropReason.UNKNOWN_KEY_ID);
        }
        if (s.policy() == Policy.REQUIRE && dp.stale(key)) {
            java.util.Arrays.fill(sessionKey, (byte) 0);
            return dp.drop(w, DropReason.STALE_PEER);
        }
        if (!k.get().firstOffer(w.buf, off + ZccOption.OFF_NONCE_I)) {
            java.util.Arrays.fill(sessionKey, (byte) 0);
            return dp.drop(w, DropReason.REPLAYED_OFFER);
        }
        Connection c = new Connection(key, s, w.service, false, suite, State.SYN_RCVD, dp.now());
        c.keyId = keyId;
        // Our own copy: the key source wipes a dropped key in place, and this connection derives
        // its keys only when our SYN-ACK goes out.
        c.sessionKey = sessionKey;
        c.session = k.get();
        ZccOption.copyNonceI(w.buf, off, c.nonceI, 0);
        c.startPeerSpace(p.seq());
        dp.table.put(c);
        leaveRoomForTheOption(p, key);
        return strip(p, off);
    }

    /**
     * The local stack sizes its segments by the peer's MSS and its own route MTU; sealing adds
     * up to 20 bytes. So the peer's MSS as our stack sees it is lowered to what fits the route
     * with the option, whichever of the two is smaller (PROTOCOL.md 3).
     */
    private void leaveRoomForTheOption(TcpPacket p, FlowKey key) {
        int mss = p.mss();
        int mtu = dp.routeMtu.applyAsInt(key.peer());
        if (mss <= 0 || mtu <= 0) {
            return;
        }
        int room = mtu - p.ipHeaderLength() - 20 - OutboundPath.MSS_CLAMP;
        if (room > 0 && mss > room) {
            p.setMss(room);
        }
    }

    private Action plainSyn(Worker w, FlowKey key, Service s) {
        if (s.policy() == Policy.OPPORTUNISTIC) {
            dp.table.put(new Connection(key, s, w.service, false, 0, State.PLAINTEXT, dp.now()));
            dp.counters.plaintext.increment();
            dp.events.info("{0} offered no ZCC: connection continues in plaintext (policy opportunistic)", key);
            return Action.PASS;
        }
        dp.events.info("{0} offered no ZCC: SYN dropped (policy require)", key);
        return dp.drop(w, DropReason.NO_OFFER);
    }

    /** 2. The answer to our SYN: with ACCEPT the keys are set; without, the policy decides. */
    private Action synAck(Worker w, TcpPacket p, Connection c) {
        // Only an answer to our own SYN may decide anything (PROTOCOL.md 8): anything else is
        // forged or stale, and the peer's genuine SYN-ACK still comes.
        if (!p.hasFlags(TcpPacket.ACK) || p.ack() != c.expectedAckOfSyn()) {
            return dp.drop(w, DropReason.UNACCEPTABLE_ACK);
        }
        int off = p.findExperimentalOption(ZccOption.EXID);
        if (off < 0) {
            return c.state == State.SYN_SENT ? peerWithoutZcc(p, c) : dp.drop(w, DropReason.MISSING_OPTION);
        }
        if (ZccOption.type(w.buf, off, p.optionLength(off)) != ZccOption.TYPE_ACCEPT) {
            return dp.drop(w, DropReason.BAD_OPTION);
        }
        ConnectionKeys keys = c.keys;
        SequenceExtender peerSeq = c.peerSeq;
        if (keys == null) {
            ZccOption.copyNonceR(w.buf, off, c.nonceR, 0);
            keys = c.deriveKeys();
            peerSeq = new SequenceExtender(p.seq());
        }
        int dir = c.inDir();
        MacInput.write(w.head, 0, dir, ZccOption.TYPE_ACCEPT, p.flags(), peerSeq.extend(p.seq()),
                c.peerAck.extend(p.ack()), p.window(), p.urgentPointer(), 0, 0);
        if (!keys.cipher(dir).verify(w.head, 0, MacInput.LENGTH,
                w.buf, off + ZccOption.OFF_HANDSHAKE_TAG, ZccOption.HANDSHAKE_TAG_LENGTH)) {
            if (c.keys == null) {
                keys.wipe(); // derived from what a forger claimed: not this connection's keys
            }
            return dp.drop(w, DropReason.BAD_HANDSHAKE_TAG);
        }
        if (c.keys == null) {
            c.keys = keys;
            c.startPeerSpace(p.seq());
            java.util.Arrays.fill(c.sessionKey, (byte) 0); // the connection keys are all it needs from now on
            c.state = State.ESTABLISHED;
            dp.counters.handshakes.increment();
            c.traffic.handshakes.increment();
        }
        leaveRoomForTheOption(p, c.key);
        return strip(p, off);
    }

    /**
     * The peer's stack answered our SYN (its ACK acknowledges our ISN, checked by the caller) but
     * its agent did not: it runs no ZCC. Under require the local stack gets a RST|ACK at that
     * number, which SYN_SENT accepts, and the connection passes nothing from then on.
     */
    private Action peerWithoutZcc(TcpPacket p, Connection c) {
        if (c.service.policy() == Policy.OPPORTUNISTIC) {
            c.state = State.PLAINTEXT;
            dp.counters.plaintext.increment();
            dp.events.info("{0} runs no ZCC: connection continues in plaintext (policy opportunistic)", c.key);
            return Action.PASS;
        }
        c.state = State.REFUSED;
        dp.counters.refused.increment();
        dp.counters.localResets.increment();
        dp.events.info("{0} runs no ZCC: connection refused (policy require)", c.key);
        p.makeRst(p.seq(), p.ack(), true); // acceptable in SYN_SENT: it acknowledges our SYN (checked)
        p.updateChecksums();
        return Action.REWRITE;
    }

    /** 3. Every later segment: decrypt, verify, decompress, strip. Nothing unverified gets through. */
    private Action open(Worker w, TcpPacket p, Connection c) {
        int off = p.findExperimentalOption(ZccOption.EXID);
        if (off < 0) {
            return dp.drop(w, DropReason.MISSING_OPTION);
        }
        int type = ZccOption.type(w.buf, off, p.optionLength(off));
        if (type != ZccOption.TYPE_DATA && type != ZccOption.TYPE_DATA_COMPRESSED) {
            return dp.drop(w, DropReason.BAD_OPTION);
        }
        boolean compressed = type == ZccOption.TYPE_DATA_COMPRESSED;
        byte[] buf = w.buf;
        int po = p.payloadOffset();
        int wire = p.payloadLength();
        if (compressed && wire < 2) {
            return dp.drop(w, DropReason.BAD_COMPRESSION);
        }
        int orig = compressed ? ((buf[po] & 0xff) << 8) | (buf[po + 1] & 0xff) : wire;
        int dir = c.inDir();
        long relSeq = c.peerSeq.extend(p.seq());
        long relAck = p.hasFlags(TcpPacket.ACK) ? c.peerAck.extend(p.ack()) : 0;
        MacInput.write(w.head, 0, dir, type, p.flags(), relSeq, relAck, p.window(), p.urgentPointer(), orig, wire);
        int enc = compressed ? 2 : 0; // the length prefix travels in clear; the header covers it
        if (!c.keys.cipher(dir).open(w.head, 0, MacInput.LENGTH, relSeq, buf, po + enc, wire - enc,
                buf, off + ZccOption.OFF_TAG, ZccOption.TAG_LENGTH)) {
            return dp.drop(w, DropReason.BAD_MAC);
        }
        c.peerSeq.advance(relSeq);
        if (p.hasFlags(TcpPacket.ACK)) {
            c.peerAck.advance(relAck);
        }
        c.peerConfirmed = true;
        if (compressed && !decompress(w, p, po, wire, orig)) {
            return dp.drop(w, DropReason.BAD_COMPRESSION);
        }
        track(p, c);
        dp.counters.opened.increment();
        dp.counters.openedBytes.add(orig);
        c.traffic.segmentsIn.increment();
        c.traffic.bytesIn.add(orig);
        return strip(p, off);
    }

    private boolean decompress(Worker w, TcpPacket p, int po, int wire, int orig) {
        try {
            w.compressor.decompress(w.buf, po + 2, wire - 2, w.scratch, 0, orig);
        } catch (CompressionException e) {
            return false;
        }
        if (!p.setPayloadLength(orig)) {
            return false;
        }
        System.arraycopy(w.scratch, 0, w.buf, p.payloadOffset(), orig);
        return true;
    }

    private void track(TcpPacket p, Connection c) {
        if (p.hasFlags(TcpPacket.RST)) {
            c.close(dp.now());
        } else if (p.hasFlags(TcpPacket.FIN)) {
            c.finIn = true;
            if (c.finOut) {
                c.close(dp.now());
            }
        }
    }

    /** The local stack sees NOPs where the option was: same header length, no payload move. */
    private Action strip(TcpPacket p, int off) {
        p.replaceWithNops(off, p.optionLength(off));
        p.updateChecksums();
        return Action.REWRITE;
    }
}
