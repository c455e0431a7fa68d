package net.zcc.jmx;

import java.util.Map;
import javax.management.ConstructorParameters;

/** One service's traffic counters (an MXBean composite type); totals since the agent started. */
public final class ServiceTraffic {
    private final String service;
    private final String peer;
    private final int port;
    private final long bytesInTotal;
    private final long bytesOutTotal;
    private final long segmentsInTotal;
    private final long segmentsOutTotal;
    private final int openConnections;
    private final long handshakesTotal;
    private final long heldSynsTotal;
    private final long compressionSavedBytesTotal;
    private final Map<String, Long> dropsTotal;

    @ConstructorParameters({"service", "peer", "port", "bytesInTotal", "bytesOutTotal", "segmentsInTotal",
        "segmentsOutTotal", "openConnections", "handshakesTotal", "heldSynsTotal", "compressionSavedBytesTotal",
        "dropsTotal"})
    public ServiceTraffic(String service, String peer, int port, long bytesInTotal, long bytesOutTotal,
            long segmentsInTotal, long segmentsOutTotal, int openConnections, long handshakesTotal,
            long heldSynsTotal, long compressionSavedBytesTotal, Map<String, Long> dropsTotal) {
        this.service = service;
        this.peer = peer;
        this.port = port;
        this.bytesInTotal = bytesInTotal;
        this.bytesOutTotal = bytesOutTotal;
        this.segmentsInTotal = segmentsInTotal;
        this.segmentsOutTotal = segmentsOutTotal;
        this.openConnections = openConnections;
        this.handshakesTotal = handshakesTotal;
        this.heldSynsTotal = heldSynsTotal;
        this.compressionSavedBytesTotal = compressionSavedBytesTotal;
        this.dropsTotal = Map.copyOf(dropsTotal);
    }

    public String getService() {
        return service;
    }

    /** The peer's address (IP literal). */
    public String getPeer() {
        return peer;
    }

    public int getPort() {
        return port;
    }

    /** Payload bytes opened (received, after decompression). */
    public long getBytesInTotal() {
        return bytesInTotal;
    }

    /** Payload bytes sealed (sent, before compression). */
    public long getBytesOutTotal() {
        return bytesOutTotal;
    }

    public long getSegmentsInTotal() {
        return segmentsInTotal;
    }

    public long getSegmentsOutTotal() {
        return segmentsOutTotal;
    }

    /** A gauge, not a counter: connections of this service the agent tracks now. */
    public int getOpenConnections() {
        return openConnections;
    }

    public long getHandshakesTotal() {
        return handshakesTotal;
    }

    public long getHeldSynsTotal() {
        return heldSynsTotal;
    }

    /** Bytes compression kept off the wire (original minus sent). */
    public long getCompressionSavedBytesTotal() {
        return compressionSavedBytesTotal;
    }

    /** One monotonic counter per drop reason (the agent's DropReason names, lower case); every reason present. */
    public Map<String, Long> getDropsTotal() {
        return dropsTotal;
    }
}
