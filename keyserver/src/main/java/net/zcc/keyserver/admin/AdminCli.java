package net.zcc.keyserver.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.MethodResponse;
import net.zcc.contract.rpc.RpcMethods;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code zcc-keyserver admin}: the administrator's command-line client. Each action is one
 * {@code Admin.*} XML-RPC call over mutual TLS ({@link AdminRpc}) with the credentials written by
 * {@code admin-init}, trusting only their {@code ca.crt}. Prints no key material.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Administer the key server: enrollment tokens, approval, revocation, host keys, backups. Talks"
                + " XML-RPC over mutual TLS with the credentials from 'admin-init', trusting only their ca.crt.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:done",
            "1:refused by the key server (a fault, HTTP 403, or no change: unknown host or wrong state)",
            "2:usage, or unusable credentials directory",
            "3:cannot reach the key server (network, TLS handshake failed e.g. another CA, other HTTP status)"})
public final class AdminCli implements Callable<Integer> {

    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: the key server refused (fault, 403, no change). */
    public static final int REFUSED = 1;
    /** Exit code: usage or credentials problem. */
    public static final int USAGE = 2;
    /** Exit code: no usable answer from the key server. */
    public static final int UNREACHABLE = 3;

    /** One call's work with the connected client. */
    private interface Action {
        int run(AdminRpc rpc, PrintWriter out) throws AdminRpc.Refused, AdminRpc.Unreachable;
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--credentials", required = true, paramLabel = "DIR",
            description = "Directory with admin.key, admin.crt and ca.crt (from admin-init).")
    Path credentials;

    @Option(names = "--server", required = true, paramLabel = "https://HOST:PORT",
            description = "The key server; HOST an IP address named in its certificate.")
    String server;

    /** Without an action: usage. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name an action: token, approve, revoke, delete-host,"
                + " release-address, add-key, delete-key, hosts, backup");
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Issue a one-time enrollment token; prints it and its expiry.")
    int token(@Option(names = "--lifetime", defaultValue = "3600", paramLabel = "SECONDS",
            description = "Token lifetime in seconds (default ${DEFAULT-VALUE}).") int lifetime) {
        return run((rpc, out) -> {
            Map<?, ?> t = (Map<?, ?>) rpc.call(RpcMethods.ADMIN_ISSUE_TOKEN, lifetime);
            out.printf("token    %s%nexpires  %s%n", t.get("token"), t.get("expiresAt"));
            return OK;
        });
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a PENDING host.")
    int approve(@Parameters(paramLabel = "KEYID") String keyId) {
        String id = keyId(keyId);
        return run((rpc, out) -> changed(out, rpc.call(RpcMethods.ADMIN_APPROVE, id),
                "approved " + id, "not approved: " + id + " is unknown or not PENDING"));
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a host for good (its certificate is refused at once).")
    int revoke(@Parameters(paramLabel = "KEYID") String keyId) {
        String id = keyId(keyId);
        return run((rpc, out) -> changed(out, rpc.call(RpcMethods.ADMIN_REVOKE, id),
                "revoked " + id, "not revoked: " + id + " is unknown or already revoked"));
    }

    @Command(name = "delete-host", mixinStandardHelpOptions = true,
            description = "Delete a host with its addresses and keys (it may enroll again with a new token).")
    int deleteHost(@Parameters(paramLabel = "KEYID") String keyId) {
        String id = keyId(keyId);
        return run((rpc, out) -> changed(out, rpc.call(RpcMethods.ADMIN_DELETE_HOST, id),
                "deleted " + id, "not deleted: " + id + " is unknown"));
    }

    @Command(name = "release-address", mixinStandardHelpOptions = true,
            description = "Unbind an address from the host that owns it.")
    int releaseAddress(@Parameters(paramLabel = "ADDRESS") String address) {
        return run((rpc, out) -> changed(out, rpc.call(RpcMethods.ADMIN_RELEASE_ADDRESS, address),
                "released " + address, "not released: no host owns " + address));
    }

    @Command(name = "add-key", mixinStandardHelpOptions = true,
            description = "Add a host's public key for a scheme (not x25519: that one comes from enrollment).")
    int addKey(@Parameters(paramLabel = "KEYID") String keyId, @Parameters(paramLabel = "SCHEME") String scheme,
            @Parameters(paramLabel = "BASE64") String base64) {
        String id = keyId(keyId);
        String key = base64(base64);
        return run((rpc, out) -> changed(out, rpc.call(RpcMethods.ADMIN_ADD_KEY, id, scheme, key),
                "added the " + scheme + " key of " + id, "not added"));
    }

    @Command(name = "delete-key", mixinStandardHelpOptions = true, description = "Delete a host's key for a scheme.")
    int deleteKey(@Parameters(paramLabel = "KEYID") String keyId, @Parameters(paramLabel = "SCHEME") String scheme) {
        String id = keyId(keyId);
        return run((rpc, out) -> changed(out, rpc.call(RpcMethods.ADMIN_DELETE_KEY, id, scheme),
                "deleted the " + scheme + " key of " + id, "not deleted: " + id + " has no " + scheme + " key"));
    }

    @Command(name = "hosts", mixinStandardHelpOptions = true,
            description = "List every host: key id, state, addresses.")
    int hosts() {
        return run((rpc, out) -> {
            Object[] hosts = (Object[]) rpc.call(RpcMethods.ADMIN_HOSTS);
            out.printf("%-32s  %-8s  %s%n", "KEY ID", "STATE", "ADDRESSES");
            for (Object h : hosts) {
                Map<?, ?> host = (Map<?, ?>) h;
                Object[] conflicts = host.get("conflicts") instanceof Object[] c ? c : new Object[0];
                out.printf("%-32s  %-8s  %s%s%n", text(host.get("keyId")), text(host.get("state")),
                        String.join(",", java.util.Arrays.stream((Object[]) host.get("addresses"))
                                .map(AdminCli::text).toList()),
                        conflicts.length == 0 ? "" : "  CONFLICT: " + String.join("; ",
                                java.util.Arrays.stream(conflicts).map(AdminCli::text).toList()));
            }
            return OK;
        });
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Online backup of the key server (Derby store, fleet CA, admins) while it runs,",
                "into a new directory under <home>/backups on the key server host; prints that directory.",
                "Restore: copy its contents into an empty home (docs/OPERATIONS.md)."})
    int backup() {
        return run((rpc, out) -> {
            Map<?, ?> b = (Map<?, ?>) rpc.call(net.zcc.contract.rpc.RpcMethods.BACKUP_CREATE);
            out.printf("backup   %s%n", text(b.get("directory")));
            return OK;
        });
    }

    private static int changed(PrintWriter out, Object answer, String yes, String no) {
        if (Boolean.TRUE.equals(answer)) {
            out.println(yes);
            return OK;
        }
        out.println(no);
        return REFUSED;
    }

    private int run(Action action) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AdminRpc rpc;
        try {
            AdminCredentials creds = AdminCredentials.load(credentials);
            rpc = new AdminRpc(endpoint(), creds.tlsContext());
        } catch (IOException | GeneralSecurityException e) {
            err.println("admin: unusable credentials in " + credentials + ": " + e.getMessage());
            return USAGE;
        }
        try {
            return action.run(rpc, out);
        } catch (AdminRpc.Refused e) {
            err.println("admin: " + e.getMessage());
            return REFUSED;
        } catch (AdminRpc.Unreachable e) {
            err.println("admin: " + e.getMessage());
            return UNREACHABLE;
        } catch (ClassCastException | NullPointerException e) {
            err.println("admin: unexpected answer from the key server");
            return UNREACHABLE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code https://HOST:PORT} (a trailing {@code /} or {@code /RPC2} is accepted) to the XML-RPC endpoint. */
    private URI endpoint() {
        URI u;
        try {
            u = new URI(server);
        } catch (java.net.URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--server: not a URL: " + server);
        }
        String path = u.getPath() == null ? "" : u.getPath();
        if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0
                || !(path.isEmpty() || path.equals("/") || path.equals(RpcMethods.PATH)) || u.getQuery() != null) {
            throw new ParameterException(spec.commandLine(), "--server: https://HOST:PORT expected, got " + server);
        }
        return URI.create("https://" + u.getRawAuthority() + RpcMethods.PATH);
    }

    private String keyId(String text) {
        try {
            return new KeyId(text).hex();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "KEYID: 32 lower-case hex digits, got " + text);
        }
    }

    private String base64(String text) {
        try {
            Base64.getDecoder().decode(text);
            return text;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "BASE64: not base64");
        }
    }

    private static String text(Object o) {
        return MethodResponse.printable(String.valueOf(o));
    }
}
