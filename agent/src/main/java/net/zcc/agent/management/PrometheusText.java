package net.zcc.agent.management;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.zcc.jmx.PeerInfo;
import net.zcc.jmx.QueueMXBean;
import net.zcc.jmx.ServiceTraffic;

/**
 * The MXBeans' values in the Prometheus text format 0.0.4. A metric's name is {@code zcc_},
 * the MXBean's type, and the attribute in snake case; a monotonic counter ends in {@code _total}
 * and a byte count has {@code _bytes} right before it (so {@code BytesInTotal} of
 * {@code zcc:type=Traffic} is {@code zcc_traffic_in_bytes_total}). Labels: service, peer, port,
 * reason, queue.
 */
public final class PrometheusText {
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private record Family(String type, String help, List<String> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {
    }

    public static String render(AgentBeans b) {
        PrometheusText p = new PrometheusText();
        p.agent(b);
        p.dataPlane(b);
        p.traffic(b);
        p.peers(b);
        p.queues(b);
        return p.text();
    }

    /** "BytesInTotal" to "in_bytes_total"; a counter without "Total" gets "_total". */
    static String metricName(String attribute, boolean counter) {
        List<String> words = new ArrayList<>(List.of(attribute.split("(?<=[a-z0-9])(?=[A-Z])")));
        words.replaceAll(String::toLowerCase);
        words.remove("total");
        boolean bytes = words.remove("bytes");
        if (bytes) {
            words.add("bytes");
        }
        if (counter) {
            words.add("total");
        }
        return String.join("_", words);
    }

    private void agent(AgentBeans b) {
        var a = b.agent;
        sample("zcc_agent_info", "gauge", "The agent: version, key id, protocol and key server state (value 1)",
                labels("host_key_id", a.getHostKeyId(), "version", a.getVersion(), "protocol_version",
                        String.valueOf(a.getProtocolVersion()), "key_server_state", a.getKeyServerState()), 1);
        gauge("zcc_agent_", "UptimeSeconds", "Seconds since the agent started", "", a.getUptimeSeconds());
        gauge("zcc_agent_", "CertificateNotAfterEpochSeconds", "When the host certificate expires (0: none)", "",
                a.getCertificateNotAfterEpochSeconds());
        gauge("zcc_services_", "CentralRevision", "Revision of the central service set in force (0: none)", "",
                b.services.getCentralRevision());
    }

    private void dataPlane(AgentBeans b) {
        var d = b.dataPlane;
        String p = "zcc_dataplane_";
        counter(p, "SealedSegments", "Segments sealed on the way out", "", d.getSealedSegments());
        counter(p, "OpenedSegments", "Segments opened on the way in", "", d.getOpenedSegments());
        counter(p, "Handshakes", "Connections whose ZCC handshake completed", "", d.getHandshakes());
        counter(p, "RefusedConnections", "Connections refused: the peer runs no ZCC (require)", "",
                d.getRefusedConnections());
        counter(p, "PlaintextConnections", "Connections continued in plaintext (opportunistic)", "",
                d.getPlaintextConnections());
        counter(p, "CompressedSegments", "Segments sent compressed", "", d.getCompressedSegments());
        counter(p, "LocalResets", "Resets handed to the local stack", "", d.getLocalResets());
        counter(p, "PassedPackets", "Queued packets that were not ZCC's business", "", d.getPassedPackets());
        counter(p, "HeldSyns", "SYNs held while their key was negotiated", "", d.getHeldSyns());
        counter(p, "HoldMicros", "Total time SYNs were held, microseconds", "", d.getHoldMicrosTotal());
        gauge(p, "HoldMicrosMax", "Longest time one SYN was held, microseconds", "", d.getHoldMicrosMax());
        gauge(p, "Connections", "Connections the agent tracks now", "", d.getConnections());
        d.getDrops().forEach((reason, n) -> counter(p, "Drops", "Dropped packets by reason",
                labels("reason", reason), n));
    }

    private void traffic(AgentBeans b) {
        String p = "zcc_traffic_";
        for (ServiceTraffic t : b.traffic.getServices()) {
            String l = labels("service", t.getService(), "peer", t.getPeer(), "port", String.valueOf(t.getPort()));
            counter(p, "BytesInTotal", "Payload bytes opened (after decompression)", l, t.getBytesInTotal());
            counter(p, "BytesOutTotal", "Payload bytes sealed (before compression)", l, t.getBytesOutTotal());
            counter(p, "SegmentsInTotal", "Segments opened", l, t.getSegmentsInTotal());
            counter(p, "SegmentsOutTotal", "Segments sealed", l, t.getSegmentsOutTotal());
            gauge(p, "OpenConnections", "Connections of the service not yet ended", l, t.getOpenConnections());
            counter(p, "HandshakesTotal", "Handshakes completed", l, t.getHandshakesTotal());
            counter(p, "HeldSynsTotal", "SYNs held for their key", l, t.getHeldSynsTotal());
            counter(p, "CompressionSavedBytesTotal", "Bytes compression kept off the wire", l,
                    t.getCompressionSavedBytesTotal());
            new java.util.TreeMap<>(t.getDropsTotal()).forEach((reason, n) -> counter(p, "DropsTotal",
                    "Dropped packets by service and reason", l.substring(0, l.length() - 1) + ",reason=\""
                            + escape(reason) + "\"}", n));
        }
    }

    private void peers(AgentBeans b) {
        String p = "zcc_peers_";
        counter(p, "RevokedPeersTotal", "Peers dropped because the key server stopped vouching for them", "",
                b.peers.getRevokedPeersTotal());
        for (PeerInfo pi : b.peers.getPeers()) {
            String l = labels("peer", pi.getKeyId());
            gauge("zcc_peer_", "SessionAgeSeconds", "Age of the session key offered to the peer (-1: none)", l,
                    pi.getSessionAgeSeconds());
            counter("zcc_peer_", "RekeysTotal", "Session keys replaced", l, pi.getRekeysTotal());
            gauge("zcc_peer_", "SinceVouchedSeconds", "Seconds since the key server vouched for the peer", l,
                    pi.getSinceVouchedSeconds());
        }
    }

    private void queues(AgentBeans b) {
        String p = "zcc_queue_";
        for (QueueMXBean q : b.queues) {
            String l = labels("queue", String.valueOf(q.getQueueNumber()));
            counter(p, "Received", "Packets the kernel queued", l, q.getReceived());
            counter(p, "Accepted", "Packets accepted", l, q.getAccepted());
            counter(p, "Dropped", "Packets dropped", l, q.getDropped());
            counter(p, "Malformed", "Kernel messages that failed a check", l, q.getMalformed());
            counter(p, "ReceiveErrors", "Receive errors", l, q.getReceiveErrors());
            counter(p, "VerdictErrors", "Verdict errors", l, q.getVerdictErrors());
        }
    }

    private void counter(String prefix, String attribute, String help, String labels, long value) {
        sample(prefix + metricName(attribute, true), "counter", help, labels, value);
    }

    private void gauge(String prefix, String attribute, String help, String labels, long value) {
        sample(prefix + metricName(attribute, false), "gauge", help, labels, value);
    }

    private void sample(String name, String type, String help, String labels, long value) {
        families.computeIfAbsent(name, n -> new Family(type, help, new ArrayList<>()))
                .samples().add(name + labels + " " + value);
    }

    /** {a="x",b="y"} with the format's escapes; "" for no labels. */
    static String labels(String... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            sb.append(i == 0 ? "" : ",").append(kv[i]).append("=\"").append(escape(kv[i + 1])).append('"');
        }
        return sb.append('}').toString();
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        families.forEach((name, f) -> {
            sb.append("# HELP ").append(name).append(' ').append(f.help()).append('\n');
            sb.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
            f.samples().forEach(s -> sb.append(s).append('\n'));
        });
        return sb.toString();
    }
}
