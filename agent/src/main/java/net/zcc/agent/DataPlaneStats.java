package net.zcc.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import net.zcc.agent.path.DataPlane;
import net.zcc.agent.path.DropReason;
import net.zcc.agent.path.PathCounters;
import net.zcc.jmx.DataPlaneMXBean;

/** The data plane's counters as the {@link DataPlaneMXBean} and as a properties text. */
final class DataPlaneStats implements DataPlaneMXBean {
    private final DataPlane data;

    DataPlaneStats(DataPlane data) {
        this.data = data;
    }

    private PathCounters c() {
        return data.counters();
    }

    @Override
    public long getSealedSegments() {
        return c().sealed();
    }

    @Override
    public long getOpenedSegments() {
        return c().opened();
    }

    @Override
    public long getHandshakes() {
        return c().handshakes();
    }

    @Override
    public long getRefusedConnections() {
        return c().refused();
    }

    @Override
    public long getPlaintextConnections() {
        return c().plaintextConnections();
    }

    @Override
    public long getCompressedSegments() {
        return c().compressedSegments();
    }

    @Override
    public long getLocalResets() {
        return c().localResets();
    }

    @Override
    public long getPassedPackets() {
        return c().passed();
    }

    @Override
    public long getHeldSyns() {
        return c().synsHeld();
    }

    @Override
    public long getHoldMicrosMax() {
        return c().holdMicrosMax();
    }

    @Override
    public long getHoldMicrosTotal() {
        return c().holdMicrosTotal();
    }

    @Override
    public int getConnections() {
        return data.connections().size();
    }

    @Override
    public Map<String, Long> getDrops() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            m.put(r.name().toLowerCase(), c().drops(r));
        }
        return m;
    }

    static String asProperties(DataPlane data) {
        DataPlaneStats s = new DataPlaneStats(data);
        StringBuilder sb = new StringBuilder();
        sb.append("sealed=").append(s.getSealedSegments()).append('\n');
        sb.append("opened=").append(s.getOpenedSegments()).append('\n');
        sb.append("handshakes=").append(s.getHandshakes()).append('\n');
        sb.append("refused=").append(s.getRefusedConnections()).append('\n');
        sb.append("plaintext=").append(s.getPlaintextConnections()).append('\n');
        sb.append("compressed=").append(s.getCompressedSegments()).append('\n');
        sb.append("local_resets=").append(s.getLocalResets()).append('\n');
        sb.append("passed=").append(s.getPassedPackets()).append('\n');
        sb.append("connections=").append(s.getConnections()).append('\n');
        sb.append("held_syns=").append(s.getHeldSyns()).append('\n');
        sb.append("hold_us_max=").append(s.getHoldMicrosMax()).append('\n');
        sb.append("hold_us_total=").append(s.getHoldMicrosTotal()).append('\n');
        s.getDrops().forEach((k, v) -> sb.append("drop.").append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }
}
