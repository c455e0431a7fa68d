package net.zcc.agent.path;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import net.zcc.agent.crypto.CipherSuites;
import net.zcc.agent.crypto.MacInput;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.path.Connection.State;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Service;

/**
 * Seals what this host's stack sends on protected connections (PROTOCOL.md 6, 8).
 *
 * <pre>
 *  SYN      (we initiate)  -> new connection: add OFFER (suite, key id, nonce_i), clamp MSS
 *  SYN-ACK  (peer offered) -> derive keys from both nonces: add ACCEPT with handshake tag, clamp MSS
 *  any other segment       -> seal: [compress], encrypt payload, add DATA option with the tag
 * </pre>
 */
final class OutboundPath {
    /** The DATA option grows a segment by at most 20 bytes (17, aligned to 4). */
    static final int MSS_CLAMP = 20;
    private final DataPlane dp;

    OutboundPath(DataPlane dp) {
        this.dp = dp;
    }

    Action handle(Worker w, int len) {
        TcpPacket p = w.tcp;
        var bad = p.parse(w.buf, len);
        if (bad == net.zcc.agent.wire.Malformation.NOT_TCP) {
            // An ICMP error the local stack sends about a protected flow carries its conntrack
            // mark; it protects nothing and must not be lost (path MTU discovery needs it).
            dp.counters.passed.increment();
            return Action.PASS;
        }
        if (bad != null) {
            return dp.drop(w, DropReason.MALFORMED);
        }
        byte[] peer = new byte[p.addressLength()];
        p.copyDstAddress(peer, 0);
        FlowKey key = new FlowKey(peer, p.srcPort(), p.dstPort());
        if (p.hasFlags(TcpPacket.SYN) && !p.hasFlags(TcpPacket.ACK)) {
            return syn(w, p, key);
        }
        Connection c = dp.table.get(key);
        if (c == null) {
            w.service = dp.services.traffic(dp.services.any(key));
            // Queued by the conntrack mark of a connection this agent does not know: it started
            // before a restart. Never send it in plaintext; learn where the stack stands.
            if (p.hasFlags(TcpPacket.ACK)) {
                dp.resetHints.learn(key, p.ack());
            }
            dp.countDrop(w, DropReason.UNKNOWN_CONNECTION);
            if (p.hasFlags(TcpPacket.RST) || !p.hasFlags(TcpPacket.ACK)) {
                return Action.DROP;
            }
            // Its acknowledgement number is the local stack's rcv_nxt: a RST there, sent back to
            // the stack itself, resets the application now instead of after its retransmissions.
            dp.events.info("outbound segment of unknown protected connection {0}: local side reset", key);
            return reflectRst(w, p, p.ack(), 0, false);
        }
        w.service = c.traffic;
        synchronized (c) {
            c.lastSeenNanos = dp.now();
            return switch (c.state) {
                case PLAINTEXT -> Action.PASS;
                case REFUSED -> dp.drop(w, DropReason.REFUSED_CONNECTION); // never a plaintext byte out
                case SYN_SENT -> p.hasFlags(TcpPacket.RST) ? Action.PASS : dp.drop(w, DropReason.UNKNOWN_CONNECTION);
                case SYN_RCVD -> p.hasFlags(TcpPacket.SYN) ? synAck(w, p, c) : refusedByStack(w, p, c);
                case ESTABLISHED, CLOSED -> p.hasFlags(TcpPacket.SYN)
                        ? (c.initiator ? dp.drop(w, DropReason.UNKNOWN_CONNECTION) : synAck(w, p, c))
                        : seal(w, p, c);
            };
        }
    }

    /** Our stack answered the peer's SYN with a RST (nothing listens): no keys yet, nothing to hide. */
    private Action refusedByStack(Worker w, TcpPacket p, Connection c) {
        if (p.hasFlags(TcpPacket.RST)) {
            c.close(dp.now());
            return Action.PASS;
        }
        return dp.drop(w, DropReason.UNKNOWN_CONNECTION);
    }

    /** 1. We open a connection: offer ZCC if the service is protected and we hold a key. */
    private Action syn(Worker w, TcpPacket p, FlowKey key) {
        Connection c = dp.table.get(key);
        if (c != null) {
            synchronized (c) {
                if (c.initiator && c.state == State.SYN_SENT && c.isnLocal == p.seq()) {
                    return offer(w, p, c); // a retransmitted SYN carries the same offer
                }
            }
        }
        ServiceIndex index = dp.services;
        Service s = index.server(key.peer(), key.peerPort());
        if (s == null) {
            return Action.PASS; // a reused port pair of a connection that is no longer protected
        }
        w.service = index.traffic(s);
        if (p.payloadLength() > 0) {
            return dp.drop(w, DropReason.SYN_WITH_DATA);
        }
        Optional<SessionKey> k = w.resolvedKey;
        if (k == null) {
            var f = dp.keys.currentAsync(address(key));
            if (!f.isDone()) {
                w.pendingKey = f; // first contact: the SYN waits in the kernel, the queue goes on
                return Action.HOLD;
            }
            k = f.getNow(Optional.empty());
        }
        byte[] sessionKey = k.isPresent() ? k.get().copyOfKey() : null; // null: none, or wiped meanwhile
        if (sessionKey != null && s.policy() == Policy.REQUIRE && dp.stale(key)) {
            java.util.Arrays.fill(sessionKey, (byte) 0);
            dp.events.info("key server has not vouched for {0} within the staleness bound: connection refused"
                    + " (policy require)", key);
            dp.countDrop(w, DropReason.STALE_PEER);
            return reflectRst(w, p, 0, p.seq() + 1, true);
        }
        if (sessionKey == null) {
            if (s.policy() == Policy.OPPORTUNISTIC) {
                dp.table.put(new Connection(key, s, w.service, true, 0, State.PLAINTEXT, dp.now()));
                dp.counters.plaintext.increment();
                dp.events.info("no key for {0}: connection continues in plaintext (policy opportunistic)", key);
                return Action.PASS;
            }
            dp.events.info("no key for {0}: connection refused (policy require)", key);
            dp.countDrop(w, DropReason.NO_KEY);
            return reflectRst(w, p, 0, p.seq() + 1, true); // acknowledges the SYN: "connection refused"
        }
        c = new Connection(key, s, w.service, true, CipherSuites.byScheme(s.scheme()).number(),
                State.SYN_SENT, dp.now());
        c.keyId = k.get().id();
        c.sessionKey = sessionKey; // our own copy: the key source may wipe its copy before our keys are derived
        c.session = k.get();
        w.random.nextBytes(c.nonceI);
        c.startLocalSpace(p.seq());
        dp.table.put(c);
        synchronized (c) {
            return offer(w, p, c);
        }
    }

    private Action offer(Worker w, TcpPacket p, Connection c) {
        int n = ZccOption.writeOffer(w.option, 0, c.suite, c.keyId, c.nonceI);
        return clampAndInsert(w, p, n);
    }

    /** 2. Our stack accepts the peer's offer: derive the keys and prove we hold the session key. */
    private Action synAck(Worker w, TcpPacket p, Connection c) {
        if (c.keys == null) {
            w.random.nextBytes(c.nonceR);
            c.keys = c.deriveKeys();
            java.util.Arrays.fill(c.sessionKey, (byte) 0); // the connection keys are all it needs from now on
            c.startLocalSpace(p.seq());
            c.state = State.ESTABLISHED;
            dp.counters.handshakes.increment();
            c.traffic.handshakes.increment();
        }
        int dir = c.outDir();
        MacInput.write(w.head, 0, dir, ZccOption.TYPE_ACCEPT, p.flags(), c.localSeq.extendAndAdvance(p.seq()),
                c.localAck.extendAndAdvance(p.ack()), p.window(), p.urgentPointer(), 0, 0);
        c.keys.cipher(dir).tag(w.head, 0, MacInput.LENGTH, w.tag, 0, ZccOption.HANDSHAKE_TAG_LENGTH);
        int n = ZccOption.writeAccept(w.option, 0, c.nonceR, w.tag, 0);
        return clampAndInsert(w, p, n);
    }

    /**
     * Turns an outbound segment into a RST from the peer to this host. The kernel re-routes a
     * queued packet whose addresses changed (nf_reroute), so the RST goes to the local stack
     * instead of the wire: the application fails at once, and nothing leaves the host.
     */
    private Action reflectRst(Worker w, TcpPacket p, long seq, long ack, boolean withAck) {
        p.swapEndpoints();
        p.makeRst(seq & 0xffffffffL, ack & 0xffffffffL, withAck);
        w.reflected = true;
        p.updateChecksums();
        dp.counters.localResets.increment();
        return Action.REWRITE;
    }

    /** SYN and SYN-ACK: leave the peer room for our option, then add the option. */
    private Action clampAndInsert(Worker w, TcpPacket p, int optionLength) {
        int mss = p.mss();
        if (mss > 0) {
            p.setMss(Math.max(mss - MSS_CLAMP, 64));
        } else {
            p.addMssOptionIfMissing((p.ipVersion() == 4 ? 536 : 1220) - MSS_CLAMP);
        }
        if (!p.insertOption(w.option, optionLength, false)) {
            return dp.drop(w, DropReason.OPTION_SPACE);
        }
        p.updateChecksums();
        return Action.REWRITE;
    }

    /**
     * 3. Every later segment: compress (if asked and it helps), then seal SIV-style: the tag over
     * the header and the plaintext, the payload encrypted with the keystream the tag names.
     */
    private Action seal(Worker w, TcpPacket p, Connection c) {
        int dir = c.outDir();
        long relSeq = c.localSeq.extendAndAdvance(p.seq());
        long relAck = p.hasFlags(TcpPacket.ACK) ? c.localAck.extendAndAdvance(p.ack()) : 0;
        byte[] buf = w.buf;
        int off = p.payloadOffset();
        int len = p.payloadLength();
        boolean compressed = c.service.compress() && len > 0 && compress(w, p, off, len);
        int wire = p.payloadLength();
        if (compressed) {
            c.traffic.compressionSaved.add(len - wire);
        }
        int type = compressed ? ZccOption.TYPE_DATA_COMPRESSED : ZccOption.TYPE_DATA;
        MacInput.write(w.head, 0, dir, type, p.flags(), relSeq, relAck, p.window(), p.urgentPointer(), len, wire);
        int enc = compressed ? 2 : 0; // the length prefix stays in clear; the header covers it
        c.keys.cipher(dir).seal(w.head, 0, MacInput.LENGTH, relSeq, buf, off + enc, wire - enc,
                w.tag, 0, ZccOption.TAG_LENGTH);
        int n = ZccOption.writeData(w.option, 0, compressed, w.tag, 0);
        if (!p.insertOption(w.option, n, true)) {
            return dp.drop(w, DropReason.OPTION_SPACE);
        }
        track(p, c);
        p.updateChecksums();
        if (c.session != null) {
            c.session.countSealed(len);
        }
        dp.counters.sealed.increment();
        dp.counters.sealedBytes.add(len);
        c.traffic.segmentsOut.increment();
        c.traffic.bytesOut.add(len);
        return Action.REWRITE;
    }

    /** Replaces the payload by length prefix ‖ compressed bytes when that is shorter. */
    private boolean compress(Worker w, TcpPacket p, int off, int len) {
        int n = w.compressor.compress(w.buf, off, len, w.scratch, 0);
        if (n < 0) {
            return false;
        }
        w.buf[off] = (byte) (len >>> 8);
        w.buf[off + 1] = (byte) len;
        System.arraycopy(w.scratch, 0, w.buf, off + 2, n);
        p.setPayloadLength(n + 2);
        dp.counters.compressed.increment();
        return true;
    }

    private void track(TcpPacket p, Connection c) {
        if (p.hasFlags(TcpPacket.RST)) {
            c.close(dp.now());
        } else if (p.hasFlags(TcpPacket.FIN)) {
            c.finOut = true;
            if (c.finIn) {
                c.close(dp.now());
            }
        }
    }

    static InetAddress address(FlowKey key) {
        try {
            return InetAddress.getByAddress(key.peer());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of length " + key.peer().length, e);
        }
    }
}
