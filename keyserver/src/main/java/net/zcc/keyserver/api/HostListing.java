package net.zcc.keyserver.api;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.zcc.keyserver.store.Host;

/**
 * The wire form of {@code Admin.hosts()}: one struct per host, core XML-RPC types only (no
 * extensions), so any client can read it.
 *
 * <pre>
 * { keyId: "32 hex digits", state: "PENDING" | "APPROVED" | "REVOKED",
 *   addresses: ["198.18.0.1", ...], createdAt: "ISO-8601", updatedAt: "ISO-8601" }
 * </pre>
 */
final class HostListing {

    static final String KEY_ID = "keyId";
    static final String STATE = "state";
    static final String ADDRESSES = "addresses";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";

    private HostListing() { }

    static Object[] structs(List<Host> hosts) {
        return hosts.stream().map(HostListing::struct).toArray();
    }

    private static Map<String, Object> struct(Host h) {
        Map<String, Object> s = new HashMap<>();
        s.put(KEY_ID, h.keyId().hex());
        s.put(STATE, h.state().name());
        s.put(ADDRESSES, h.addresses().stream().map(InetAddress::getHostAddress).toArray());
        s.put(CREATED_AT, h.createdAt().toString());
        s.put(UPDATED_AT, h.updatedAt().toString());
        return s;
    }
}
