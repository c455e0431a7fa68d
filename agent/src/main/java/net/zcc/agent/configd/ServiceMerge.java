package net.zcc.agent.configd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.zcc.servicefile.Service;
import net.zcc.servicefile.ServiceFile;

/**
 * The effective configuration: the local file merged with the central set (DESIGN.md 7). A local
 * entry with the same host, port and type as a central one wins and is reported as overriding
 * it. A central entry whose name a local entry of another service already uses is left out too
 * (names must stay unique, and the local file is the host administrator's word); it is reported
 * the same way. Local entries come first, in file order, then the central ones.
 */
public final class ServiceMerge {
    private ServiceMerge() {
    }

    /** One effective entry and where it came from. */
    public record Entry(Service service, String origin, long revision, boolean overriding) {
        public static final String LOCAL = "local";
        public static final String CENTRAL = "central";
    }

    /** The merge: what the data plane runs, each entry's origin, and the central entries left out. */
    public record Merged(ServiceFile effective, List<Entry> entries, List<String> overridden) {
    }

    public static Merged merge(ServiceFile local, ServiceFile central, long revision) {
        Map<Service.Key, Service> centralByKey = new HashMap<>();
        central.services().forEach(s -> centralByKey.put(s.key(), s));
        Set<String> localNames = new HashSet<>();
        Set<Service.Key> localKeys = new HashSet<>();
        List<Entry> entries = new ArrayList<>();
        for (Service s : local.services()) {
            localNames.add(s.name());
            localKeys.add(s.key());
            entries.add(new Entry(s, Entry.LOCAL, 0, centralByKey.containsKey(s.key())));
        }
        List<String> overridden = new ArrayList<>();
        for (Service s : central.services()) {
            if (localKeys.contains(s.key())) {
                overridden.add(describe(s) + ": a local entry for the same host, port and type wins");
            } else if (localNames.contains(s.name())) {
                overridden.add(describe(s) + ": a local entry of another service has this name");
            } else {
                entries.add(new Entry(s, Entry.CENTRAL, revision, false));
            }
        }
        return new Merged(new ServiceFile(entries.stream().map(Entry::service).toList()), List.copyOf(entries),
                List.copyOf(overridden));
    }

    /** "host:port/type name", as the console shows a central entry. */
    static String describe(Service s) {
        String host = s.host().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + s.port() + "/" + s.role().xml()
                + " " + s.name();
    }
}
