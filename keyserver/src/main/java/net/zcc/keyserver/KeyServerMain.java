package net.zcc.keyserver;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.zcc.contract.KeyId;
import net.zcc.contract.net.IpLiteral;
import net.zcc.keyserver.admin.AdminCli;
import net.zcc.keyserver.admin.AdminInit;
import net.zcc.keyserver.admin.AdminsFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the key server until SIGTERM/SIGINT. The database password is read from a file or the
 * environment, never from the command line (which other users can see in {@code ps}).
 *
 * <p>Two subcommands for administrators: {@code admin-init} (make an admin credential on this
 * host, {@link AdminInit}) and {@code admin} (the client, {@link AdminCli}).
 */
@Command(name = "zcc-keyserver", mixinStandardHelpOptions = true,
        description = {"The ZCC key server: Derby key store, fleet CA, XML-RPC over mutual TLS and the relay.",
            "Administrators are the key ids from --admin and from <home>/admins (re-read while running);"
                + " the fleet CA certificate is written to <home>/ca.crt at every start."},
        subcommands = {AdminInit.class, AdminCli.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped by a signal", "1:failed to start", "2:usage"})
public final class KeyServerMain implements Callable<Integer> {

    /** Environment variable holding the database password when no file is given. */
    public static final String PASSWORD_ENV = "ZCC_KEYSERVER_DB_PASSWORD";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--home", description = "Home directory (Derby in <home>/keystore, CA in <home>/ca); required.")
    Path home;

    @Option(names = "--port", defaultValue = "8443", description = "TLS port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Local IP address (IPv4 or IPv6 literal) to listen on; the server certificate names it"
                    + " (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--address", description = "Extra IP SAN for the server certificate (repeatable).")
    List<String> addresses = new ArrayList<>();

    @Option(names = "--admin",
            description = "Key id (32 hex digits) allowed to call Admin.* (repeatable); see also <home>/admins.")
    List<String> admins = new ArrayList<>();

    @Option(names = "--db-user", defaultValue = "zcc", description = "Derby NATIVE user (default ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--db-password-file", description = "File holding the Derby password (else $" + PASSWORD_ENV + ").")
    Path dbPasswordFile;

    @Override
    public Integer call() throws Exception {
        if (home == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--home'");
        }
        InetAddress bindAddress = parseBind();
        char[] password;
        try {
            password = password();
        } catch (java.io.IOException e) {
            System.err.println("zcc-keyserver: " + e.getMessage());
            return 1;
        }
        if (password == null) {
            System.err.println("no database password: use --db-password-file or $" + PASSWORD_ENV);
            return 2;
        }
        List<InetAddress> sans = new ArrayList<>();
        for (String a : addresses) {
            sans.add(literal("--address", a));
        }
        Set<KeyId> adminIds = new HashSet<>();
        for (String a : admins) {
            adminIds.add(new KeyId(a));
        }
        KeyServerConfig config = KeyServerConfig.defaults(home, dbUser, password)
                .withPort(port).withServerAddresses(sans).withAdmins(adminIds).withBind(bindAddress);
        KeyServer server = new KeyServer(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("stopping the key server failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "keyserver-stop"));
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("cannot start the key server on " + bindAddress.getHostAddress() + ":" + port + ": " + e);
            return 1;
        }
        System.err.println("admins: " + adminIds.size() + " from --admin, more from " + AdminsFile.in(home)
                + " (re-read when it changes)");
        stopped.await();
        return 0;
    }

    /** A local unicast IP literal: the wildcard would leave the certificate naming no address clients dial. */
    private InetAddress parseBind() {
        InetAddress a = literal("--bind", bind);
        if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--bind: one local address the certificate can name, not " + bind);
        }
        return a;
    }

    private InetAddress literal(String option, String text) {
        try {
            return ipLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /**
     * An IP literal, never a name: the bound address and the certificate's SANs must not depend on
     * DNS. On the command line an IPv6 literal may be bracketed as in a URL.
     */
    static InetAddress ipLiteral(String text) {
        boolean bracketed = text.startsWith("[") && text.endsWith("]");
        return IpLiteral.parse(bracketed ? text.substring(1, text.length() - 1) : text);
    }

    private char[] password() throws java.io.IOException {
        if (dbPasswordFile != null) {
            // The Derby password opens every host's record: refused if group or others may read it,
            // as the agent refuses such a key file (issue 9).
            byte[] raw = net.zcc.contract.files.OwnerOnlyFiles.read(dbPasswordFile, "database password file");
            try {
                return new String(raw, StandardCharsets.UTF_8).strip().toCharArray();
            } finally {
                java.util.Arrays.fill(raw, (byte) 0);
            }
        }
        String env = System.getenv(PASSWORD_ENV);
        return env == null ? null : env.toCharArray();
    }

    /**
     * The admin client deserialises nothing; this JVM-wide filter is a second wall behind its
     * fault-only response parser (CVE-2019-17570). Only for the client process: the server's
     * libraries are left alone. An operator's {@code -Djdk.serialFilter} wins.
     */
    private static void denyDeserialisation() {
        if (java.io.ObjectInputFilter.Config.getSerialFilter() == null) {
            java.io.ObjectInputFilter.Config.setSerialFilter(java.io.ObjectInputFilter.Config.createFilter("!*"));
        }
    }

    /** Entry point. */
    public static void main(String[] args) {
        if (args.length > 0 && "admin".equals(args[0])) {
            denyDeserialisation();
        }
        System.exit(new CommandLine(new KeyServerMain()).execute(args));
    }
}
