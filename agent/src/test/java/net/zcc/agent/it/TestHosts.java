package net.zcc.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two test hosts in network namespaces joined by a veth pair, with benchmarking-range addresses
 * only (198.18.0.0/15, 2001:2::/48). Namespaces carry the process id in their names so parallel
 * runs never collide, and {@link #close()} always deletes them.
 */
final class TestHosts implements AutoCloseable {
    static final String A4 = "198.18.0.1";
    static final String B4 = "198.18.0.2";
    static final String A6 = "2001:2::1";
    static final String B6 = "2001:2::2";

    final String a;
    final String b;
    private final List<Process> started = new ArrayList<>();

    private TestHosts(String a, String b) {
        this.a = a;
        this.b = b;
    }

    /** Skips (never passes) the calling test when not root, and says why; in CI that fails instead. */
    static void assumeRoot() {
        net.zcc.agent.testing.NamespaceTests.assumeRoot();
    }

    static TestHosts create(String tag) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        TestHosts h = new TestHosts("zcc" + tag + "a" + pid, "zcc" + tag + "b" + pid);
        try {
            sh("ip", "netns", "add", h.a);
            sh("ip", "netns", "add", h.b);
            sh("ip", "link", "add", "veth" + pid, "netns", h.a, "type", "veth", "peer", "name", "veth" + pid, "netns", h.b);
            for (String[] side : new String[][] {{h.a, A4, A6}, {h.b, B4, B6}}) {
                h.in(side[0], "ip", "link", "set", "lo", "up");
                h.in(side[0], "ip", "addr", "add", side[1] + "/24", "dev", "veth" + pid);
                h.in(side[0], "ip", "addr", "add", side[2] + "/64", "dev", "veth" + pid, "nodad");
                h.in(side[0], "ip", "link", "set", "veth" + pid, "up");
            }
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /**
     * Process tracking and namespace commands for two namespaces set up elsewhere (e.g. by
     * {@link RoutedHosts}); {@link #close()} stops what was spawned and deletes both.
     */
    static TestHosts of(String a, String b) {
        return new TestHosts(a, b);
    }

    /** Runs a command in a namespace and waits; throws with its output if it fails. */
    String in(String ns, String... cmd) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(cmd));
        return sh(argv.toArray(String[]::new));
    }

    /** Like {@link #in} but returns the exit code instead of throwing. */
    int status(String ns, String... cmd) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(cmd));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** Starts a long-running process in a namespace, output to a log file; stopped by {@link #close}. */
    Process spawn(String ns, Path log, List<String> cmd) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(cmd);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /**
     * Packets this namespace's kernel sent to NFQUEUE: the packet counters of the xtables NFQUEUE
     * rules (IPv4 and IPv6), read with iptables-save. (/proc/net/netfilter/nfnetlink_queue is no
     * use here: on this kernel it does not show a namespace's own queues.) The rule counters
     * survive reloads because zcc_configd never rewrites those rules.
     */
    long queuedPackets(String ns) throws IOException, InterruptedException {
        long sum = 0;
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            for (String line : in(ns, tool, "-c").lines().toList()) {
                if (line.contains("-j NFQUEUE") && line.startsWith("[")) {
                    sum += Long.parseLong(line.substring(1, line.indexOf(':')));
                }
            }
        }
        return sum;
    }

    static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", argv));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + " -> exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    /** The command that runs a test main class in its own JVM with the agent's classpath. */
    static List<String> javaMain(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx64m", "-cp", agentClasspath(), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** What the launchers pass every JVM of ours: no Java deserialisation at all (CVE-2019-17570). */
    static final String SERIAL_FILTER = "-Djdk.serialFilter=!*";

    /** The command that runs a main class with the whole test classpath (key server included). */
    static List<String> testJavaMain(Class<?> main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx192m", SERIAL_FILTER, "-cp", testClasspath(), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Exit code and output (stdout and stderr together) of a command run to its end. */
    record Run(int exit, String output) {
    }

    /** Runs a command in a namespace to its end (60 s at most) and returns its exit code and output. */
    Run run(String ns, List<String> cmd) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(cmd);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        return new Run(p.exitValue(), out);
    }

    /** True once {@code log} exists and contains {@code s}: what tests poll for. */
    static boolean logContains(Path log, String s) {
        try {
            return Files.exists(log) && Files.readString(log).contains(s);
        } catch (IOException e) {
            return false;
        }
    }

    /** The agent's runtime classpath, written by the build (dependency:build-classpath). */
    static String agentClasspath() throws IOException {
        Path cpFile = Path.of("target", "agent.classpath");
        return Path.of("target", "classes").toAbsolutePath() + ":" + Path.of("target", "test-classes").toAbsolutePath()
                + ":" + Files.readString(cpFile).strip();
    }

    /** The test classpath, written by the build (dependency:build-classpath, scope test). */
    static String testClasspath() throws IOException {
        return Path.of("target", "classes").toAbsolutePath() + ":" + Path.of("target", "test-classes").toAbsolutePath()
                + ":" + Files.readString(Path.of("target", "test.classpath")).strip();
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (String ns : List.of(a, b)) {
            try {
                sh("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
    }
}
