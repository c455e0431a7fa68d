package net.zcc.agent.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/MONITORING.md's example, run as written: docs/examples/monitor-identity.sh issues a
 * monitoring identity from a fleet CA with openssl, docs/examples/scrape.sh reads the agent with
 * curl (Jolokia JSON, then the Prometheus text), and the text is checked line by line against the
 * 0.0.4 format.
 */
class MonitoringExampleTest {
    /** A sample line of the text format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\")"
                    + "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\")*\\})? -?[0-9]+(\\.[0-9]+)?");

    @TempDir
    Path dir;

    @Test
    void curlWithTheMonitoringIdentityAndAPrometheusScrape() throws Exception {
        try (SimulatedFleet fleet = SimulatedFleet.start(1, dir)) {
            Path ids = dir.resolve("monitor-ids");
            run("sh", "../docs/examples/monitor-identity.sh", dir.resolve("ca").toString(), "prometheus", ids.toString());
            String out = run("sh", "../docs/examples/scrape.sh", fleet.agents().get(0).authority(), ids.toString(),
                    "prometheus");
            String[] parts = out.split("\n", 3);
            assertTrue(parts[0].contains("\"status\":200") && parts[0].contains("SealedSegments"), parts[0]);
            assertTrue(parts[1].contains("\"status\":200") && parts[1].contains("\"bytesInTotal\""), parts[1]);
            checkFormat(parts[2]);
            assertTrue(parts[2].contains("zcc_traffic_in_bytes_total{service=\"db\",peer=\"198.18.0.2\",port=\"5432\"}"),
                    parts[2]);
            assertTrue(parts[2].contains("zcc_dataplane_drops_total{reason=\"bad_mac\"}"), parts[2]);
        }
    }

    /** Every line is a HELP, a TYPE (before its samples, once per family) or a sample of the 0.0.4 format. */
    static void checkFormat(String text) {
        Set<String> typed = new HashSet<>();
        String family = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] t = line.split(" ");
                assertEquals(4, t.length, line);
                assertTrue(List.of("counter", "gauge").contains(t[3]), line);
                assertTrue(typed.add(t[2]), "one TYPE per family: " + line);
                family = t[2];
                if (t[3].equals("counter")) {
                    assertTrue(t[2].endsWith("_total"), "a counter ends in _total: " + line);
                }
                continue;
            }
            assertTrue(SAMPLE.matcher(line).matches(), "not a 0.0.4 sample: " + line);
            String name = line.split("[{ ]")[0];
            assertEquals(family, name, "samples follow their family's TYPE: " + line);
        }
        assertTrue(typed.size() > 10, text);
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    static String read(Path p) throws Exception {
        return Files.readString(p);
    }
}
