package net.zcc.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.zcc.agent.cli.ZccTool;
import net.zcc.keyserver.KeyServerMain;
import picocli.CommandLine;

/**
 * A key server for namespace tests and benchmarks, run as an administrator would: an admin
 * credential from {@code zcc-keyserver admin-init}, the server on Derby in test host A's
 * namespace (bound to A's address), tokens and approvals through {@code zcc-keyserver admin},
 * and each agent enrolled from its own namespace with {@code zcc enroll}.
 */
final class KeyServerFleet {
    static final int PORT = 8443;
    /**
     * The key server's own address, a second address on host A's link: the key server refuses its
     * own address as a host address (issue 11), so A enrolls with {@link TestHosts#A4}.
     */
    static final String KS4 = "198.18.0.10";

    private final TestHosts hosts;
    final Path home;
    final Path admin;
    final Path log;
    final String url = "https://" + KS4 + ":" + PORT;
    private Path password;
    private Process process;
    private int starts;

    private KeyServerFleet(TestHosts hosts, Path dir) {
        this.hosts = hosts;
        this.home = dir.resolve("keyserver");
        this.admin = dir.resolve("admin");
        this.log = dir.resolve("keyserver.log");
    }

    /** Makes the admin credential, starts the key server in A's namespace and waits until it serves. */
    static KeyServerFleet start(TestHosts hosts, Path dir) throws Exception {
        KeyServerFleet f = new KeyServerFleet(hosts, dir);
        int init = new CommandLine(new KeyServerMain()).execute("admin-init", "--home", f.home.toString(),
                "--out", f.admin.toString());
        if (init != 0) {
            throw new IllegalStateException("admin-init exited " + init);
        }
        hosts.in(hosts.a, "ip", "addr", "add", KS4 + "/24", "dev", "veth" + ProcessHandle.current().pid());
        f.password = dir.resolve("db-password");
        Files.writeString(f.password, "test-only-" + ProcessHandle.current().pid());
        Files.setPosixFilePermissions(f.password, PosixFilePermissions.fromString("rw-------"));
        f.startServer();
        return f;
    }

    /** Starts the key server process on the home (again, after {@link #kill9}) and waits until it serves. */
    void startServer() throws Exception {
        Path out = starts++ == 0 ? log : log.resolveSibling("keyserver-" + starts + ".log");
        process = hosts.spawn(hosts.a, out, TestHosts.testJavaMain(KeyServerMain.class, "--home", home.toString(),
                "--bind", KS4, "--port", Integer.toString(PORT), "--db-password-file", password.toString()));
        AgentProcess.waitFor(Duration.ofSeconds(60), () -> TestHosts.logContains(out, "serving") || !process.isAlive(),
                "key server start");
        if (!process.isAlive()) {
            throw new IllegalStateException("key server exited: " + Files.readString(out));
        }
    }

    /** Kills the key server process (the JVM inside "ip netns exec") with SIGKILL and waits for it to end. */
    void kill9() throws Exception {
        for (ProcessHandle h : process.descendants().toList()) {
            h.destroyForcibly();
        }
        process.destroyForcibly();
        AgentProcess.waitFor(Duration.ofSeconds(20), () -> !process.isAlive(), "key server to die");
    }

    /** Runs {@code zcc-keyserver admin <args>} in A's namespace; returns its output, throws unless it succeeded. */
    String admin(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("admin", "--credentials", admin.toString(), "--server", url));
        a.addAll(List.of(args));
        TestHosts.Run r = hosts.run(hosts.a, TestHosts.testJavaMain(KeyServerMain.class, a.toArray(String[]::new)));
        if (r.exit() != 0) {
            throw new IllegalStateException("zcc-keyserver admin " + String.join(" ", args) + " -> " + r
                    + "\nkey server log (last 40 lines of the latest start):\n" + logTail(40));
        }
        return r.output();
    }

    /** The last lines of the key server's latest log, for a failure message. */
    private String logTail(int lines) {
        try (var files = java.nio.file.Files.list(log.getParent())) {
            Path latest = files.filter(f -> f.getFileName().toString().startsWith("keyserver") && f.toString().endsWith(".log"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified())).orElse(log);
            List<String> all = java.nio.file.Files.readAllLines(latest);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** A fresh one-time enrollment token. */
    String token() throws Exception {
        return admin("token").lines().filter(l -> l.startsWith("token")).findFirst().orElseThrow()
                .substring("token".length()).strip();
    }

    /**
     * Enrolls the agent from its own namespace with {@code zcc enroll}, approves it as the admin,
     * and fetches its certificate with {@code zcc enroll --finish}; returns its key id.
     */
    String enroll(String ns, String address, Path identity) throws Exception {
        TestHosts.Run r = hosts.run(ns, TestHosts.javaMain(ZccTool.class, "enroll", "--server", url,
                "--token", token(), "--ca-cert", admin.resolve("ca.crt").toString(), "--address", address,
                "--identity", identity.toString()));
        if (r.exit() != 5) { // 5: requested, waiting for approval
            throw new IllegalStateException("zcc enroll -> " + r);
        }
        String keyId = Files.readString(identity.resolve("key-id")).strip();
        admin("approve", keyId);
        TestHosts.Run f = hosts.run(ns, TestHosts.javaMain(ZccTool.class, "enroll", "--finish",
                "--identity", identity.toString()));
        if (f.exit() != 0) {
            throw new IllegalStateException("zcc enroll --finish -> " + f);
        }
        return keyId;
    }
}
