package net.zcc.agent.path;

import java.util.HashMap;
import java.util.Map;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;

/**
 * The enabled services, indexed for the two questions the data plane asks on a SYN: "is this
 * outbound SYN to a protected server?" and "is this inbound SYN from a protected client?".
 * Immutable; a reload builds a new one and swaps it in.
 */
public final class ServiceIndex {
    private final Map<FlowKey, Service> servers = new HashMap<>();
    private final Map<FlowKey, Service> clients = new HashMap<>();
    /** Each enabled service's counters (by identity: the Service objects of this file). */
    private final Map<Service, ServiceCounters> traffic = new java.util.IdentityHashMap<>();

    public ServiceIndex(ServiceFile file) {
        this(file, s -> ServiceCounters.NONE);
    }

    /** An index whose services count their traffic in the counters {@code countersOf} gives. */
    ServiceIndex(ServiceFile file, java.util.function.Function<Service, ServiceCounters> countersOf) {
        for (Service s : file.enabled()) {
            traffic.put(s, countersOf.apply(s));
            // Keyed with port 0 for the unused side: (peer, 0, peer port) for servers,
            // (peer, local port, 0) for clients.
            if (s.role() == Role.SERVER) {
                servers.put(new FlowKey(s.host().getAddress(), 0, s.port()), s);
            } else {
                clients.put(new FlowKey(s.host().getAddress(), s.port(), 0), s);
            }
        }
    }

    public static ServiceIndex empty() {
        return new ServiceIndex(ServiceFile.empty());
    }

    /** The service for a connection this host opens to {@code peer:peerPort}, or null. */
    public Service server(byte[] peer, int peerPort) {
        return servers.get(new FlowKey(peer, 0, peerPort));
    }

    /** The service for a connection {@code peer} opens to our {@code localPort}, or null. */
    public Service client(byte[] peer, int localPort) {
        return clients.get(new FlowKey(peer, localPort, 0));
    }

    /** The counters of a service of this index; {@link ServiceCounters#NONE} for null or a stranger. */
    ServiceCounters traffic(Service s) {
        ServiceCounters c = s == null ? null : traffic.get(s);
        return c == null ? ServiceCounters.NONE : c;
    }

    /** The service a flow belongs to in either role, or null: used for packets of unknown flows. */
    public Service any(FlowKey k) {
        Service s = server(k.peer(), k.peerPort());
        return s != null ? s : client(k.peer(), k.localPort());
    }
}
