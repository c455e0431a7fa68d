package net.zcc.keyserver.api;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.store.AddressConflictException;
import net.zcc.keyserver.store.Host;
import net.zcc.keyserver.store.HostState;

/**
 * The wire form of {@code Admin.hosts()}: one struct per host, core XML-RPC types only (no
 * extensions), so any client can read it.
 *
 * <pre>
 * { keyId: "32 hex digits", state: "PENDING" | "APPROVED" | "REVOKED",
 *   addresses: ["198.18.0.1", ...], createdAt: "ISO-8601", updatedAt: "ISO-8601",
 *   conflicts: ["198.18.0.1 (bound to host …)", ...] }
 * </pre>
 * A pending host's addresses are the ones it asks for (approval binds them); {@code conflicts}
 * lists those already bound to another host (empty for other states).
 */
final class HostListing {

    static final String KEY_ID = "keyId";
    static final String STATE = "state";
    static final String ADDRESSES = "addresses";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";
    static final String CONFLICTS = "conflicts";

    private HostListing() { }

    static Object[] structs(List<Host> hosts, Function<KeyId, Map<InetAddress, KeyId>> conflicts) {
        return hosts.stream().map(h -> struct(h, conflicts)).toArray();
    }

    private static Map<String, Object> struct(Host h, Function<KeyId, Map<InetAddress, KeyId>> conflicts) {
        Map<String, Object> s = new HashMap<>();
        s.put(KEY_ID, h.keyId().hex());
        s.put(STATE, h.state().name());
        s.put(ADDRESSES, h.addresses().stream().map(InetAddress::getHostAddress).toArray());
        s.put(CREATED_AT, h.createdAt().toString());
        s.put(UPDATED_AT, h.updatedAt().toString());
        Map<InetAddress, KeyId> c = h.state() == HostState.PENDING ? conflicts.apply(h.keyId()) : Map.of();
        s.put(CONFLICTS, c.entrySet().stream().map(e -> AddressConflictException.describe(Map.of(e.getKey(), e.getValue())))
                .toArray());
        return s;
    }
}
