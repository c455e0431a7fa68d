package net.zcc.jmx;

import java.util.Map;

/**
 * The agent's packet processor, as monitoring tools and the console see it
 * ({@code zcc:type=DataPlane}). Counters only grow; rates are the reader's business.
 */
public interface DataPlaneMXBean {
    String OBJECT_NAME = "zcc:type=DataPlane";

    /** Segments of protected connections sealed on the way out. */
    long getSealedSegments();

    /** Segments of protected connections opened (verified, decrypted) on the way in. */
    long getOpenedSegments();

    /** Connections whose ZCC handshake completed. */
    long getHandshakes();

    /** Connections refused because the peer runs no ZCC (policy require). */
    long getRefusedConnections();

    /** Connections continued in plaintext because the peer runs no ZCC (policy opportunistic). */
    long getPlaintextConnections();

    /** Segments that went out compressed. */
    long getCompressedSegments();

    /** Resets handed to the local stack so applications see a reset, never plaintext or garbage. */
    long getLocalResets();

    /** Queued packets that were not ZCC's business and passed untouched. */
    long getPassedPackets();

    /** SYNs held in the kernel while their session key was negotiated (first contact with a peer). */
    long getHeldSyns();

    /** Longest time one SYN was held, in microseconds: the worst first-contact delay so far. */
    long getHoldMicrosMax();

    /** Total hold time of all held SYNs, in microseconds (divide by {@link #getHeldSyns()} for the mean). */
    long getHoldMicrosTotal();

    /** Connections the agent currently tracks. */
    int getConnections();

    /** Dropped packets by reason (the names of the agent's DropReason enum, lower case). */
    Map<String, Long> getDrops();
}
