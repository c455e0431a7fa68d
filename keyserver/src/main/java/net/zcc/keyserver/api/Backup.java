package net.zcc.keyserver.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcFault;
import org.apache.xmlrpc.XmlRpcException;

/**
 * {@code Backup.create}: an online backup of the key server into its home's {@code backups}
 * directory, for an administrator only (the same admin set as {@link Admin}). The caller names
 * no path: the server chooses it, so the call cannot write anywhere else.
 */
public class Backup {

    /** Takes one backup and returns its directory. */
    @FunctionalInterface
    public interface Action {
        Path create() throws IOException;
    }

    private final ApiContext ctx;
    private final Action action;
    private final Optional<KeyId> caller;

    /** A handler for one call by {@code caller} (empty when anonymous). */
    public Backup(ApiContext ctx, Action action, Optional<KeyId> caller) {
        this.ctx = Objects.requireNonNull(ctx);
        this.action = Objects.requireNonNull(action);
        this.caller = Objects.requireNonNull(caller);
    }

    /** Takes a backup; returns {@code {directory}}. */
    public Map<String, Object> create() throws XmlRpcException {
        String admin = caller.map(KeyId::hex).orElse("-");
        if (caller.isEmpty() || !ctx.access().isAdmin(caller.get())) {
            Audit.refused("Backup call refused: caller {} is not an administrator", admin);
            throw ApiFaults.fault(RpcFault.ADMIN_REQUIRED);
        }
        Path dir;
        try {
            dir = action.create();
        } catch (IOException | RuntimeException e) {
            Audit.record("admin {} backup failed: {}", admin, e.toString());
            throw ApiFaults.fault(RpcFault.SERVER_ERROR, "backup failed (the key server's log says why)");
        }
        Audit.record("admin {} backup written to {}", admin, dir);
        Map<String, Object> out = new HashMap<>();
        out.put("directory", dir.toString());
        return out;
    }
}
