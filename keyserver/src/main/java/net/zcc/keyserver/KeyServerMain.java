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
import net.zcc.keyserver.store.KeyId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the key server until SIGTERM/SIGINT. The database password is read from a file or the
 * environment, never from the command line (which other users can see in {@code ps}).
 */
@Command(name = "zcc-keyserver", mixinStandardHelpOptions = true,
        description = "The ZCC key server: Derby key store, fleet CA, XML-RPC over mutual TLS and the relay.")
public final class KeyServerMain implements Callable<Integer> {

    /** Environment variable holding the database password when no file is given. */
    public static final String PASSWORD_ENV = "ZCC_KEYSERVER_DB_PASSWORD";

    @Option(names = "--home", required = true, description = "Home directory (Derby in <home>/keystore, CA in <home>/ca).")
    Path home;

    @Option(names = "--port", defaultValue = "8443", description = "TLS port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to bind; only 127.0.0.1 is supported for now (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--address", description = "Extra IP SAN for the server certificate (repeatable).")
    List<String> addresses = new ArrayList<>();

    @Option(names = "--admin", description = "Key id (32 hex digits) allowed to call Admin.* (repeatable).")
    List<String> admins = new ArrayList<>();

    @Option(names = "--db-user", defaultValue = "zcc", description = "Derby NATIVE user (default ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--db-password-file", description = "File holding the Derby password (else $" + PASSWORD_ENV + ").")
    Path dbPasswordFile;

    @Override
    public Integer call() throws Exception {
        if (!"127.0.0.1".equals(bind)) {
            System.err.println("--bind: only 127.0.0.1 is supported for now");
            return 2;
        }
        char[] password = password();
        if (password == null) {
            System.err.println("no database password: use --db-password-file or $" + PASSWORD_ENV);
            return 2;
        }
        List<InetAddress> sans = new ArrayList<>();
        for (String a : addresses) {
            sans.add(InetAddress.getByName(a));
        }
        Set<KeyId> adminIds = new HashSet<>();
        for (String a : admins) {
            adminIds.add(new KeyId(a));
        }
        KeyServerConfig config = KeyServerConfig.defaults(home, dbUser, password)
                .withPort(port).withServerAddresses(sans).withAdmins(adminIds);
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
        server.start();
        stopped.await();
        return 0;
    }

    private char[] password() throws java.io.IOException {
        if (dbPasswordFile != null) {
            return Files.readString(dbPasswordFile, StandardCharsets.UTF_8).strip().toCharArray();
        }
        String env = System.getenv(PASSWORD_ENV);
        return env == null ? null : env.toCharArray();
    }

    /** Entry point. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new KeyServerMain()).execute(args));
    }
}
