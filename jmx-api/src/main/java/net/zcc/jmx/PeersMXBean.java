package net.zcc.jmx;

import java.util.List;

/** The peers this agent holds keys for ({@code zcc:type=Peers}). */
public interface PeersMXBean {
    String OBJECT_NAME = "zcc:type=Peers";

    List<PeerInfo> getPeers();

    /** Peers whose keys were dropped because the key server stopped vouching for them (revoked), since start. */
    long getRevokedPeersTotal();
}
