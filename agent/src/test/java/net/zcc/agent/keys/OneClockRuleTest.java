package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Key agreement reads time and makes threads only through its {@link Scheduler}: one clock for
 * every timeout, TTL and period, so tests drive virtual time instead of sleeping. Checked on the
 * sources; {@link SystemScheduler}, the real scheduler, is the one exception.
 */
class OneClockRuleTest {

    private static final Path KEYS = Path.of("src/main/java/net/zcc/agent/keys");
    private static final String REAL_SCHEDULER = "SystemScheduler.java";

    /** Second clocks, sleeps, threads and executors of their own, the JDK's own timers and pools. */
    private static final List<String> FORBIDDEN = List.of(
            "System.nanoTime", "System.currentTimeMillis", "Instant.now(", "Clock.system", "java.time.Clock",
            "Thread.sleep", "new Thread(", "Executors.", "ExecutorService", "ThreadPoolExecutor", "TimeUnit",
            "delayedExecutor", ".orTimeout(", "runAsync(", "supplyAsync(", "Async(() ->", "java.util.Timer");

    @Test
    void onlyTheSystemSchedulerReadsTheSystemClockOrMakesThreads() {
        List<String> offences = sources().stream()
                .flatMap(f -> FORBIDDEN.stream().filter(read(f)::contains).map(s -> f.getFileName() + ": " + s))
                .sorted()
                .toList();
        assertEquals(List.of(), offences, "use the injected Scheduler");
    }

    @Test
    void theRuleSeesTheSources() {
        assertTrue(sources().stream().anyMatch(f -> f.endsWith("NoiseKeySource.java")), "run from the agent module");
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.list(KEYS)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.endsWith(REAL_SCHEDULER))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
