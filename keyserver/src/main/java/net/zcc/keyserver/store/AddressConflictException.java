package net.zcc.keyserver.store;

import java.net.InetAddress;
import java.util.Map;
import java.util.stream.Collectors;
import net.zcc.contract.KeyId;

/** Approval refused: addresses of the request are bound to other hosts (named here). */
public final class AddressConflictException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final transient Map<InetAddress, KeyId> conflicts;

    AddressConflictException(Map<InetAddress, KeyId> conflicts) {
        super(describe(conflicts), null);
        this.conflicts = Map.copyOf(conflicts);
    }

    /** Each conflicting address and the host it is bound to. */
    public Map<InetAddress, KeyId> conflicts() {
        return conflicts;
    }

    /** "198.18.0.1 (bound to host 1234…)", comma-separated. */
    public static String describe(Map<InetAddress, KeyId> conflicts) {
        return conflicts.entrySet().stream()
                .map(e -> e.getKey().getHostAddress() + " (bound to host " + e.getValue().hex() + ")")
                .sorted().collect(Collectors.joining(", "));
    }
}
