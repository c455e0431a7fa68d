package net.zcc.keyserver.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.KeyServerConfig;

/**
 * A key server in a process of its own, as an administrator runs it (keyserver/zcc-keyserver), on
 * a home prepared in-process with enrolled hosts: what the process benchmarks measure.
 */
final class BenchServer {
    static final String DB_PASSWORD = "bench-only-password";

    /** The prepared home's hosts and the fleet CA's trust store (for anonymous clients). */
    record Prepared(List<BenchHosts.Enrolled> hosts, KeyStore trust) { }

    private BenchServer() {
    }

    /**
     * A bench run's scratch directory and the key server process it starts: {@link #close} stops
     * the process (also run as a shutdown hook, for when {@code timeout} sends SIGTERM) and
     * deletes the directory.
     */
    static final class Scratch implements AutoCloseable {
        final Path dir;
        final java.util.concurrent.atomic.AtomicReference<Process> server = new java.util.concurrent.atomic.AtomicReference<>();
        private final Thread stopper = new Thread(() -> stop(server.get()), "bench-stop");

        Scratch(String prefix) throws IOException {
            dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(stopper);
        }

        @Override
        public void close() throws IOException {
            stop(server.get());
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Enrolls, approves and certifies {@code count} hosts on {@code home} in-process, then stops. */
    static Prepared prepare(Path home, int count) throws Exception {
        KeyId adminId = KeyId.of(new byte[32]);
        KeyServerConfig config = KeyServerConfig.defaults(home, "zcc", DB_PASSWORD.toCharArray())
                .withAdmins(Set.of(adminId));
        try (KeyServer server = new KeyServer(config)) {
            server.start();
            List<BenchHosts.Enrolled> hosts = new ArrayList<>(BenchHosts.enroll(server, adminId, count));
            return new Prepared(hosts, server.fleetCa().trustStore());
        }
    }

    /** The Derby password file the launcher reads (owner-only). */
    static Path passwordFile(Path dir) throws IOException {
        Path f = dir.resolve("db-password");
        Files.writeString(f, DB_PASSWORD, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    /**
     * The launcher started on {@code home}, its output in {@code log}; pinned to {@code cpus}
     * (taskset list, e.g. "1") unless null. The launcher and taskset exec: the pid is the JVM's.
     */
    static ProcessBuilder command(Path launcher, Path home, int port, Path passwordFile, Path log, String cpus) {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.addAll(List.of(launcher.toString(), "--home", home.toString(), "--port", String.valueOf(port),
                "--db-password-file", passwordFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return pb;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            return s.getLocalPort();
        }
    }

    static void waitForPort(Process server, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the key server exited (" + server.exitValue() + "):\n"
                        + Files.readString(log));
            }
            if (Files.readString(log).contains("key server serving on")) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 1_000);
                    return;
                } catch (IOException notYet) {
                    // keep waiting
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the key server did not start in 60 s:\n" + Files.readString(log));
    }

    /** Stops a key server process the bench started: SIGTERM, then SIGKILL after 20 s. */
    static void stop(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** CPU seconds the process has used so far (user + system, from /proc/PID/stat; 100 ticks a second). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
}
