package net.zcc.agent.management;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.zcc.agent.path.DataPlane;
import net.zcc.agent.path.DropReason;
import net.zcc.agent.path.ServiceCounters;
import net.zcc.jmx.ServiceTraffic;
import net.zcc.jmx.TrafficMXBean;
import net.zcc.contract.net.IpLiteral;

/** {@code zcc:type=Traffic}: the data path's per-service counters, read when asked. */
public final class TrafficBean implements TrafficMXBean {
    private final DataPlane data;

    public TrafficBean(DataPlane data) {
        this.data = data;
    }

    @Override
    public List<ServiceTraffic> getServices() {
        Map<ServiceCounters, Integer> open = data.connections().openByService();
        return data.traffic().stream().map(c -> traffic(c, open.getOrDefault(c, 0))).toList();
    }

    static ServiceTraffic traffic(ServiceCounters c, int open) {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            drops.put(r.name().toLowerCase(), c.drops(r));
        }
        var s = c.service();
        return new ServiceTraffic(c.name(), s == null ? "" : IpLiteral.format(s.host()), s == null ? 0 : s.port(),
                c.bytesIn(), c.bytesOut(), c.segmentsIn(), c.segmentsOut(), open, c.handshakes(), c.heldSyns(),
                c.compressionSavedBytes(), drops);
    }
}
