package net.zcc.agent.management;

import java.util.Map;
import net.zcc.jmx.PeerInfo;
import net.zcc.jmx.QueueMXBean;
import net.zcc.jmx.ServiceTraffic;

/**
 * The stats file ({@code zcc stats}): the MXBeans' values as {@code key=value} lines. The keys of
 * the data plane's totals are the ones the file always had (scripts and the demo read them);
 * per-service lines are {@code service.NAME.ATTRIBUTE=value} with the attribute in snake case.
 */
public final class StatsText {
    private StatsText() {
    }

    public static String render(AgentBeans b) {
        StringBuilder sb = new StringBuilder();
        var d = b.dataPlane;
        line(sb, "sealed", d.getSealedSegments());
        line(sb, "opened", d.getOpenedSegments());
        line(sb, "handshakes", d.getHandshakes());
        line(sb, "refused", d.getRefusedConnections());
        line(sb, "plaintext", d.getPlaintextConnections());
        line(sb, "compressed", d.getCompressedSegments());
        line(sb, "local_resets", d.getLocalResets());
        line(sb, "passed", d.getPassedPackets());
        line(sb, "connections", d.getConnections());
        line(sb, "held_syns", d.getHeldSyns());
        line(sb, "hold_us_max", d.getHoldMicrosMax());
        line(sb, "hold_us_total", d.getHoldMicrosTotal());
        d.getDrops().forEach((k, v) -> line(sb, "drop." + k, v));
        var peers = b.peers.getPeers();
        line(sb, "revoked_peers", b.peers.getRevokedPeersTotal());
        line(sb, "sessions", peers.stream().filter(p -> p.getSessionAgeSeconds() >= 0).count());
        for (QueueMXBean q : b.queues) {
            line(sb, "queue." + q.getQueueNumber() + ".received", q.getReceived());
            line(sb, "queue." + q.getQueueNumber() + ".malformed", q.getMalformed());
        }
        line(sb, "agent.uptime_seconds", b.agent.getUptimeSeconds());
        sb.append("agent.key_server_state=").append(b.agent.getKeyServerState()).append('\n');
        line(sb, "central_revision", b.services.getCentralRevision());
        for (ServiceTraffic t : b.traffic.getServices()) {
            String p = "service." + t.getService() + ".";
            line(sb, p + "bytes_in_total", t.getBytesInTotal());
            line(sb, p + "bytes_out_total", t.getBytesOutTotal());
            line(sb, p + "segments_in_total", t.getSegmentsInTotal());
            line(sb, p + "segments_out_total", t.getSegmentsOutTotal());
            line(sb, p + "open_connections", t.getOpenConnections());
            line(sb, p + "handshakes_total", t.getHandshakesTotal());
            line(sb, p + "held_syns_total", t.getHeldSynsTotal());
            line(sb, p + "compression_saved_bytes_total", t.getCompressionSavedBytesTotal());
            for (Map.Entry<String, Long> e : new java.util.TreeMap<>(t.getDropsTotal()).entrySet()) {
                if (e.getValue() > 0) { // every reason is in the MXBean and Prometheus; here only the non-zero
                    line(sb, p + "drops_total." + e.getKey(), e.getValue());
                }
            }
        }
        for (PeerInfo pi : peers) {
            line(sb, "peer." + pi.getKeyId() + ".rekeys_total", pi.getRekeysTotal());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, long value) {
        sb.append(key).append('=').append(value).append('\n');
    }
}
