package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real queue against the kernel, inside a throw-away network namespace (the host's own
 * firewall is never touched). A PassThroughMain child binds queues 0 and 1 behind
 * {@code iptables -t raw PREROUTING --dport 5001 NFQUEUE --queue-balance 0:1} (no bypass);
 * TCP over loopback must arrive intact; once the child is killed, new connections must fail.
 * The first test runs the default recvmmsg receive, the second the recv-loop fallback.
 */
class NetlinkPacketQueueIT {
    private static final String NS = "zccq-" + ProcessHandle.current().pid();
    private static final List<Process> STARTED = new ArrayList<>();
    private static boolean created;

    @BeforeAll
    static void namespace() throws Exception {
        net.zcc.agent.testing.NamespaceTests.assumeRoot();
        net.zcc.agent.testing.NamespaceTests.assumeIptables();
        run("ip", "netns", "add", NS);
        created = true;
        run("ip", "-n", NS, "link", "set", "lo", "up");
        run("ip", "netns", "exec", NS, "iptables", "-t", "raw", "-A", "PREROUTING", "-p", "tcp",
                "--dport", "5001", "-j", "NFQUEUE", "--queue-balance", "0:1");
    }

    @AfterAll
    static void cleanup() throws Exception {
        for (Process p : STARTED) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (created) {
            run("ip", "netns", "del", NS);
        }
    }

    @Test
    void passesTrafficThroughBothQueuesAndFailsClosedWithoutAgent() throws Exception {
        Process agent = startPassThrough(List.of(), "receive [recvmmsg, recvmmsg]");
        transferThroughBothQueues();

        agent.destroyForcibly(); // SIGKILL by pid: no clean unbind, the socket just goes away
        assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
        assertEquals(Map.of(), idSequences(), "queues unbound once the process is gone");

        Process probe = startJava(LoopbackTransfer.class.getName(), "probe");
        assertTrue(probe.waitFor(30, TimeUnit.SECONDS), "probe timed out");
        String probed = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, probe.exitValue(), "expected the SYN to be dropped (no bypass): " + probed);
        assertTrue(probed.contains("BLOCKED"), probed);
    }

    @Test
    void recvLoopFallbackPassesTrafficThroughBothQueues() throws Exception {
        Process agent = startPassThrough(List.of("-D" + NetlinkPacketQueue.Config.MULTI_RECEIVE_PROPERTY + "=false"),
                "receive [recv, recv]");
        transferThroughBothQueues();
        agent.destroyForcibly();
        assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
        assertEquals(Map.of(), idSequences(), "queues unbound once the process is gone");
    }

    /** Starts PassThroughMain on queues 0 and 1 and checks its READY line names {@code mode}. */
    private static Process startPassThrough(List<String> jvmOptions, String mode) throws Exception {
        Process agent = startJava(jvmOptions, PassThroughMain.class.getName(), "0", "2");
        BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        String ready = readLineWithin(out, 20);
        assertTrue(ready != null && ready.startsWith("READY"), "pass-through did not start: " + ready);
        assertTrue(ready.endsWith(mode), "receive mode: " + ready);
        assertEquals(Map.of(0, 0L, 1, 0L), idSequences());
        return agent;
    }

    private static void transferThroughBothQueues() throws Exception {
        Process transfer = startJava(LoopbackTransfer.class.getName(), "transfer", "8");
        assertTrue(transfer.waitFor(60, TimeUnit.SECONDS), "transfer timed out");
        String result = new String(transfer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, transfer.exitValue(), result);
        assertTrue(result.contains("OK"), result);

        Map<Integer, Long> seq = idSequences();
        assertTrue(seq.get(0) > 0 && seq.get(1) > 0, "both queues saw packets: " + seq);
    }

    /** queue number to id_sequence, from /proc/net/netfilter/nfnetlink_queue in the namespace. */
    private static Map<Integer, Long> idSequences() throws Exception {
        Map<Integer, Long> m = new TreeMap<>();
        for (String line : run("ip", "netns", "exec", NS, "cat", "/proc/net/netfilter/nfnetlink_queue").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8) {
                m.put(Integer.parseInt(f[0]), Long.parseLong(f[7]));
            }
        }
        return m;
    }

    private static Process startJava(String mainClass, String... args) throws IOException {
        return startJava(List.of(), mainClass, args);
    }

    private static Process startJava(List<String> jvmOptions, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NS,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djna.tmpdir=" + System.getProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"))));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        STARTED.add(p);
        return p;
    }

    private static String readLineWithin(BufferedReader r, int seconds) throws Exception {
        String[] line = new String[1];
        Thread t = new Thread(() -> {
            try {
                line[0] = r.readLine();
            } catch (IOException e) {
                line[0] = "read failed: " + e;
            }
        });
        t.setDaemon(true);
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(seconds));
        return line[0];
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
