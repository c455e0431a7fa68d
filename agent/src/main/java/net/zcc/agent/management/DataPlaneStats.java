package net.zcc.agent.management;

import java.util.LinkedHashMap;
import java.util.Map;
import net.zcc.agent.path.DataPlane;
import net.zcc.agent.path.DropReason;
import net.zcc.agent.path.PathCounters;
import net.zcc.jmx.DataPlaneMXBean;

/** The data plane's counters as the {@link DataPlaneMXBean}. */
public final class DataPlaneStats implements DataPlaneMXBean {
    private final DataPlane data;

    public DataPlaneStats(DataPlane data) {
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
}
