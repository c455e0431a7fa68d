package net.zcc.agent.path;

import java.util.Arrays;

/**
 * Names a connection the same way from both directions: (peer address, local port, peer port).
 * Outbound packets give (destination, source port, destination port); inbound ones (source,
 * destination port, source port). The local address is left out: a host's agent sees each
 * connection once, and the nft rules key their connection sets the same way.
 */
public final class FlowKey {
    private final byte[] peer;
    private final int localPort;
    private final int peerPort;
    private final int hash;

    public FlowKey(byte[] peer, int localPort, int peerPort) {
        this.peer = peer;
        this.localPort = localPort;
        this.peerPort = peerPort;
        this.hash = (Arrays.hashCode(peer) * 31 + localPort) * 65599 + peerPort;
    }

    public byte[] peer() {
        return peer;
    }

    public int localPort() {
        return localPort;
    }

    public int peerPort() {
        return peerPort;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && k.hash == hash && k.localPort == localPort && k.peerPort == peerPort
                && Arrays.equals(k.peer, peer);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        try {
            return net.zcc.contract.net.IpLiteral.format(java.net.InetAddress.getByAddress(peer)) + ":" + peerPort
                    + " <-> local port " + localPort;
        } catch (java.net.UnknownHostException e) {
            return Arrays.toString(peer) + ":" + peerPort + " <-> local port " + localPort;
        }
    }
}
