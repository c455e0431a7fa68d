package net.zcc.agent.path;

import net.zcc.agent.crypto.ConnectionKeys;
import net.zcc.servicefile.Service;

/**
 * One TCP connection of a protected service as this agent knows it: its state in the ZCC
 * handshake (PROTOCOL.md 8), its keys and the sequence spaces of both directions.
 *
 * <p>Both the outbound and the inbound path touch a connection, possibly from two queue
 * threads, so every access goes through {@code synchronized (connection)} in the paths.
 */
public final class Connection {
    /** PROTOCOL.md 8. */
    public enum State {
        /** We sent a SYN with OFFER and wait for the SYN-ACK. */
        SYN_SENT,
        /** We received a SYN with OFFER and wait for our stack's SYN-ACK. */
        SYN_RCVD,
        /** Keys are in place: every segment is sealed or must open. */
        ESTABLISHED,
        /**
         * The peer's SYN-ACK, acknowledging our SYN, carried no ZCC under policy require: the local
         * side was reset and nothing of this connection passes in either direction.
         */
        REFUSED,
        /** The peer answered without ZCC under policy opportunistic: passes as plaintext. */
        PLAINTEXT,
        /** Reset or both FINs seen: kept a while for retransmissions, then forgotten. */
        CLOSED
    }

    /** Direction numbers of PROTOCOL.md 6.2: initiator to responder is 0. */
    public static final int I2R = 0;
    public static final int R2I = 1;

    final FlowKey key;
    final Service service;
    /** Its service's traffic counters, found once when the connection is created. */
    final ServiceCounters traffic;
    final boolean initiator;
    final int suite;
    State state;
    int keyId;
    byte[] sessionKey;
    /** The session key this connection was born with: counts what it seals (byte-based rekey). */
    net.zcc.agent.keys.SessionKey session;
    final byte[] nonceI = new byte[8];
    final byte[] nonceR = new byte[8];
    ConnectionKeys keys;
    long isnLocal = -1;
    long isnPeer = -1;
    SequenceExtender localSeq;
    SequenceExtender peerSeq;
    SequenceExtender localAck;
    SequenceExtender peerAck;
    boolean finOut;
    boolean finIn;
    /** An authenticated segment from the peer was opened: its side of the handshake completed. */
    boolean peerConfirmed;
    long lastSeenNanos;
    long closedAtNanos;

    Connection(FlowKey key, Service service, ServiceCounters traffic, boolean initiator, int suite, State state,
            long now) {
        this.key = key;
        this.service = service;
        this.traffic = traffic;
        this.initiator = initiator;
        this.suite = suite;
        this.state = state;
        this.lastSeenNanos = now;
    }

    /** The direction number of segments this host sends. */
    int outDir() {
        return initiator ? I2R : R2I;
    }

    /** The direction number of segments this host receives. */
    int inDir() {
        return initiator ? R2I : I2R;
    }

    void startLocalSpace(long isn) {
        isnLocal = isn;
        localSeq = new SequenceExtender(isn);
        peerAck = new SequenceExtender(isn);
    }

    void startPeerSpace(long isn) {
        isnPeer = isn;
        peerSeq = new SequenceExtender(isn);
        localAck = new SequenceExtender(isn);
    }

    /**
     * The connection keys of PROTOCOL.md 4, from this connection's session key, both nonces, its
     * suite and its two ports in initiator-responder order.
     */
    ConnectionKeys deriveKeys() {
        int initiatorPort = initiator ? key.localPort() : key.peerPort();
        int responderPort = initiator ? key.peerPort() : key.localPort();
        return ConnectionKeys.derive(sessionKey, nonceI, nonceR, suite, initiatorPort, responderPort);
    }

    /** Our SYN's number acknowledged: what a genuine answer to it carries in its ACK field. */
    long expectedAckOfSyn() {
        return (isnLocal + 1) & 0xffffffffL;
    }

    void close(long now) {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            closedAtNanos = now;
        }
    }

    public State state() {
        return state;
    }

    public FlowKey key() {
        return key;
    }

    @Override
    public String toString() {
        return key + " " + state + (initiator ? " (we initiated)" : " (peer initiated)");
    }
}
