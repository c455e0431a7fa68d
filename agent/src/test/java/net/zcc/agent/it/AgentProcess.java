package net.zcc.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** One zcc_configd started by a test inside a test host, with its files in a scratch directory. */
final class AgentProcess {
    final String ns;
    final Path dir;
    final Path file;
    final Path pidFile;
    final Path log;
    final Path keys;
    final Path stats;
    /** The enrolled identity (zcc enroll); absent unless a test enrolls this agent. */
    final Path identity;
    /** The pre-shared key every test agent holds for every peer (manual keying, PROTOCOL.md 4). */
    static final String TEST_KEY = "5a4343".repeat(10) + "5a43";
    private final TestHosts hosts;
    /** More zcc_configd options, for the next {@link #start()}. */
    final List<String> extraArgs = new ArrayList<>();
    /** Start the next daemon with SIGHUP ignored, as nohup and some CI runners do. */
    boolean inheritIgnoredHup;
    private Process process;

    AgentProcess(TestHosts hosts, String ns, Path dir) {
        this.hosts = hosts;
        this.ns = ns;
        this.dir = dir;
        this.file = dir.resolve("services.xml");
        this.pidFile = dir.resolve("zcc_configd.pid");
        this.log = dir.resolve("zcc_configd.log");
        this.keys = dir.resolve("keys");
        this.identity = dir.resolve("identity");
        this.stats = net.zcc.agent.configd.DaemonSignal.defaultStatsFile(pidFile);
    }

    /** Writes the key file, mode 0600 as the agent demands. */
    void writeKeys(String... peers) throws IOException {
        StringBuilder sb = new StringBuilder("# test key\n");
        for (String peer : peers) {
            sb.append(peer).append(' ').append(TEST_KEY).append('\n');
        }
        Files.writeString(keys, sb.toString());
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** One counter from the stats file the agent rewrites every second (0 if absent). */
    long stat(String name) throws IOException {
        if (!Files.exists(stats)) {
            return 0;
        }
        for (String line : Files.readAllLines(stats)) {
            if (line.startsWith(name + "=")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        return 0;
    }

    void start() throws Exception {
        spawnDaemon();
        awaitStarted();
    }

    /** Starts the daemon without waiting for it; {@link #awaitStarted()} waits. */
    void spawnDaemon() throws Exception {
        List<String> cmd = new ArrayList<>();
        if (inheritIgnoredHup) { // a shell that ignores HUP and execs: the JVM inherits SIG_IGN
            cmd.addAll(List.of("bash", "-c", "trap '' HUP; exec \"$@\"", "ignore-hup"));
        }
        cmd.addAll(List.of("java", "-Xmx128m", TestHosts.SERIAL_FILTER, "-Djna.tmpdir=" + dir.resolve("jna"),
                "-cp", TestHosts.agentClasspath(), "net.zcc.agent.AgentMain",
                "--file", file.toString(), "--pid-file", pidFile.toString(), "--key-file", keys.toString(),
                "--identity", identity.toString()));
        cmd.addAll(extraArgs);
        process = hosts.spawn(ns, log, cmd);
    }

    /** The pid of the process started by {@link #spawnDaemon()} ("ip netns exec" and bash exec it). */
    long spawnedPid() {
        return process.pid();
    }

    /** Waits for the pid file, the daemon's last start-up step. */
    void awaitStarted() throws Exception {
        waitFor(Duration.ofSeconds(20), () -> Files.exists(pidFile) || !process.isAlive(), "zcc_configd start");
        if (!process.isAlive()) {
            throw new IllegalStateException("zcc_configd exited: " + Files.readString(log));
        }
    }

    /** The pid the daemon wrote (the JVM inside "ip netns exec"). */
    long pid() throws IOException {
        return Long.parseLong(Files.readString(pidFile).strip());
    }

    /** Runs the zcc tool against this agent's file, in-process (it only edits files and signals). */
    int zcc(String... args) {
        List<String> a = new ArrayList<>(List.of("--file", file.toString(), "--pid-file", pidFile.toString()));
        a.addAll(List.of(args));
        return net.zcc.agent.cli.ZccTool.run(a.toArray(String[]::new),
                new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true));
    }

    long logCount(String marker) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains(marker)).count();
    }

    /** Waits until the daemon has logged {@code marker} at least {@code n} times. */
    void awaitLog(String marker, long n) throws Exception {
        waitFor(Duration.ofSeconds(20), () -> {
            try {
                return logCount(marker) >= n;
            } catch (IOException e) {
                return false;
            }
        }, "log line \"" + marker + "\" x" + n);
    }

    String ruleset() throws Exception {
        return hosts.in(ns, "nft", "list", "table", "inet", "zcc");
    }

    void kill9() throws Exception {
        TestHosts.sh("kill", "-9", Long.toString(pid()));
        waitFor(Duration.ofSeconds(10), () -> !process.isAlive(), "zcc_configd to die");
    }

    static void waitFor(Duration limit, BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
