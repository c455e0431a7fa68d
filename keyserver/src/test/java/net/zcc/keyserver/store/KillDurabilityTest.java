package net.zcc.keyserver.store;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.KeyId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Derby keeps every committed write when the writing JVM dies by SIGKILL mid-burst. */
class KillDurabilityTest {
    private static final int KILL_AFTER_COMMITS = 100;
    private static final long WAIT_MILLIS = 20_000;

    @TempDir
    Path home;

    @Test
    void everyReportedCommitSurvivesKillMinus9() throws Exception {
        // Create the store here first so the child only writes; then release it.
        TestStores.open(home).close();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DurabilityWriter.class.getName(), home.toString())
                .redirectErrorStream(true).start();
        List<Integer> committed = new ArrayList<>();
        List<String> other = new ArrayList<>();
        try {
            BlockingQueue<String> lines = pump(child);
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            while (committed.size() < KILL_AFTER_COMMITS && System.currentTimeMillis() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith("COMMITTED ")) {
                    committed.add(Integer.parseInt(line.substring("COMMITTED ".length())));
                } else if (line != null) {
                    other.add(line);
                } else if (!child.isAlive() && lines.isEmpty()) {
                    break;
                }
            }
            assertTrue(child.isAlive(), "the child finished before the kill: " + other);
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no Derby shutdown
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child did not die");
            // Lines already printed before the kill are commits too.
            for (String line; (line = lines.poll()) != null; ) {
                if (line.startsWith("COMMITTED ")) {
                    committed.add(Integer.parseInt(line.substring("COMMITTED ".length())));
                }
            }
        } finally {
            child.destroyForcibly();
        }
        if (committed.size() < KILL_AFTER_COMMITS) {
            fail("child committed only " + committed.size() + " writes; output: " + other);
        }
        try (KeyStoreDatabase db = TestStores.open(home)) {
            HostDirectory hosts = new HostDirectory(db);
            for (int n : committed) {
                assertTrue(hosts.host(KeyId.of(DurabilityWriter.key(n))).isPresent(),
                        "committed write " + n + " lost after kill -9");
            }
        }
    }

    private static BlockingQueue<String> pump(Process child) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // The child was killed; what was read is in the queue.
            }
        }, "durability-child-output");
        t.setDaemon(true);
        t.start();
        return lines;
    }
}
