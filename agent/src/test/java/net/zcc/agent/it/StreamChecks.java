package net.zcc.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@link StreamCheck} servers in test host B and clients in test host A, with their logs in one
 * directory: what the namespace tests use to show that bytes arrive intact.
 */
final class StreamChecks {
    private final TestHosts hosts;
    private final Path dir;
    private int runs;

    StreamChecks(TestHosts hosts, Path dir) {
        this.hosts = hosts;
        this.dir = dir;
    }

    Path serverLog(String addr, int port) {
        return dir.resolve("server-" + addr.replace(':', '_') + "-" + port + ".log");
    }

    /** Starts a checksumming server in B on {@code addr}:{@code port} and waits until it listens. */
    void server(String addr, int port) throws Exception {
        Path log = serverLog(addr, port);
        hosts.spawn(hosts.b, log, TestHosts.javaMain(StreamCheck.class, "server", addr, Integer.toString(port)));
        AgentProcess.waitFor(Duration.ofSeconds(15), () -> TestHosts.logContains(log, "LISTENING"), "server " + port);
    }

    /** Runs a StreamCheck client in A to the end and returns its output. */
    String client(Duration limit, String... args) throws Exception {
        Path log = dir.resolve("client-" + (++runs) + ".log");
        Process p = hosts.spawn(hosts.a, log, TestHosts.javaMain(StreamCheck.class, args));
        AgentProcess.waitFor(limit, () -> !p.isAlive(), "client " + String.join(" ", args));
        return Files.readString(log);
    }

    /** Sends {@code bytes} ("text" or "random") from A to B's server; checks the same bytes arrived (SHA-256). */
    void transferIntact(String addr, int port, long bytes, String kind) throws Exception {
        Path serverLog = serverLog(addr, port);
        long before = recvLines(serverLog).size();
        String out = client(Duration.ofSeconds(120), "bulk", addr, Integer.toString(port), Long.toString(bytes), kind);
        assertTrue(out.contains("SENT " + bytes + " "), out);
        AgentProcess.waitFor(Duration.ofSeconds(20), () -> recvLines(serverLog).size() > before, "server to receive");
        List<String> recv = recvLines(serverLog);
        String sent = out.lines().filter(l -> l.startsWith("SENT")).findFirst().orElseThrow();
        assertEquals(sent.substring(5), recv.get(recv.size() - 1).substring(5), "byte count and SHA-256 at both ends");
    }

    /** The RECV lines a server has logged so far. */
    static List<String> recvLines(Path log) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.startsWith("RECV")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
