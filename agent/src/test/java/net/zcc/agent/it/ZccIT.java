package net.zcc.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ZCC data plane between two namespace hosts with real agents, real TCP and real captures:
 * A is the client of B's services. Needs root (skipped, with the reason printed, otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZccIT {
    static final int AES = 5001;
    static final int PLAIN = 5002;
    static final int NO_AGENT = 5003;
    static final int OPPORTUNISTIC = 5004;
    static final int COMPRESSED = 5005;
    static final int CHACHA = 5006;
    /** A second address of host B for which A holds no key. */
    static final String B4_NO_KEY = "198.18.0.3";

    @TempDir
    static Path tmp;

    private TestHosts hosts;
    private AgentProcess agentA;
    private AgentProcess agentB;
    private String veth;
    private int runs;
    private StreamChecks streams;

    @BeforeAll
    void setUp() throws Exception {
        TestHosts.assumeRoot();
        hosts = TestHosts.create("z");
        streams = new StreamChecks(hosts, tmp);
        veth = "veth" + ProcessHandle.current().pid();
        agentA = new AgentProcess(hosts, hosts.a, Files.createDirectories(tmp.resolve("a")));
        agentB = new AgentProcess(hosts, hosts.b, Files.createDirectories(tmp.resolve("b")));
        a("aes", TestHosts.B4, AES);
        a("aes6", TestHosts.B6, AES);
        a("noagent", TestHosts.B4, NO_AGENT);
        a("opp", TestHosts.B4, OPPORTUNISTIC, "--policy", "opportunistic");
        a("comp", TestHosts.B4, COMPRESSED, "--compress");
        a("chacha", TestHosts.B4, CHACHA, "--scheme", "chacha20");
        a("nokey", B4_NO_KEY, AES);
        b("aes", TestHosts.A4, AES);
        b("aes6", TestHosts.A6, AES);
        b("comp", TestHosts.A4, COMPRESSED, "--compress");
        b("chacha", TestHosts.A4, CHACHA, "--scheme", "chacha20");
        agentA.writeKeys(TestHosts.B4, TestHosts.B6);
        agentB.writeKeys("*");
        hosts.in(hosts.b, "ip", "addr", "add", B4_NO_KEY + "/24", "dev", veth);
        agentA.start();
        agentB.start();
        for (int port : new int[] {AES, PLAIN, NO_AGENT, OPPORTUNISTIC, COMPRESSED, CHACHA}) {
            server(TestHosts.B4, port);
        }
        server(TestHosts.B6, AES);
        server(B4_NO_KEY, AES);
    }

    private void a(String name, String host, int port, String... extra) {
        add(agentA, name, host, port, "server", extra);
    }

    private void b(String name, String host, int port, String... extra) {
        add(agentB, name, host, port, "client", extra);
    }

    private static void add(AgentProcess ag, String name, String host, int port, String type, String... extra) {
        List<String> args = new ArrayList<>(List.of("service", "add", "--name", name, "--host", host, "--port",
                Integer.toString(port), "--type", type));
        args.addAll(List.of(extra));
        ag.zcc(args.toArray(String[]::new));
    }

    private void server(String addr, int port) throws Exception {
        streams.server(addr, port);
    }

    @AfterAll
    void tearDown() {
        if (hosts != null) {
            hosts.close();
        }
    }



    private String client(Duration limit, String... args) throws Exception {
        return streams.client(limit, args);
    }

    private void transferIntact(String addr, int port, long bytes, String kind) throws Exception {
        streams.transferIntact(addr, port, bytes, kind);
    }

    /** A packet capture on B's veth, started and ready. */
    private final class Capture {
        final Path file = tmp.resolve("cap-" + (++runs) + ".pcap");
        final Process proc;

        Capture(String filter) throws Exception {
            Path log = tmp.resolve("tcpdump-" + runs + ".log");
            proc = hosts.spawn(hosts.b, log, List.of("tcpdump", "--immediate-mode", "-i", veth, "-U", "-n", "-s", "300", "-c", "20000",
                    "-w", file.toString(), filter));
            AgentProcess.waitFor(Duration.ofSeconds(10), () -> TestHosts.logContains(log, "listening on"), "tcpdump");
        }

        byte[] stop() throws Exception {
            // tcpdump writes each packet as it gets it (--immediate-mode, -U): stop once the file
            // has stopped growing for a moment.
            long[] last = {-1, System.nanoTime()};
            AgentProcess.waitFor(Duration.ofSeconds(5), () -> {
                long size = file.toFile().length();
                if (size != last[0]) {
                    last[0] = size;
                    last[1] = System.nanoTime();
                }
                return System.nanoTime() - last[1] > 300_000_000L;
            }, "the capture to settle");
            proc.destroy();
            proc.waitFor();
            return Files.readAllBytes(file);
        }
    }

    private static boolean has(byte[] hay, String needle) {
        return new String(hay, StandardCharsets.ISO_8859_1).contains(needle);
    }

    @Test
    @Order(1)
    void fiftyMegabytesArriveIntactAndTheWireCarriesNoPlaintext() throws Exception {
        Capture cap = new Capture("tcp port " + AES);
        transferIntact(TestHosts.B4, AES, 50L << 20, "text");
        byte[] pcap = cap.stop();
        assertTrue(pcap.length > 100_000, "captured " + pcap.length + " bytes");
        assertFalse(has(pcap, StreamCheck.MARKER.strip()), "plaintext marker on the wire of a protected service");
        assertTrue(agentA.stat("sealed") > 1000, "A sealed: " + agentA.stat("sealed"));
        assertTrue(agentB.stat("opened") > 1000, "B opened: " + agentB.stat("opened"));
        assertEquals(0, agentB.stat("drop.bad_mac"));
    }

    @Test
    @Order(2)
    void anUnprotectedPortCarriesPlaintextUntouched() throws Exception {
        long queued = hosts.queuedPackets(hosts.a) + hosts.queuedPackets(hosts.b);
        Capture cap = new Capture("tcp port " + PLAIN);
        transferIntact(TestHosts.B4, PLAIN, 1L << 20, "text");
        assertTrue(has(cap.stop(), StreamCheck.MARKER.strip()), "the control: plaintext is visible when unprotected");
        assertEquals(queued, hosts.queuedPackets(hosts.a) + hosts.queuedPackets(hosts.b), "never queued");
    }

    @Test
    @Order(3)
    void ipv6WorksLikeIpv4() throws Exception {
        Capture cap = new Capture("ip6 and tcp port " + AES);
        transferIntact(TestHosts.B6, AES, 10L << 20, "text");
        assertFalse(has(cap.stop(), StreamCheck.MARKER.strip()));
    }

    @Test
    @Order(4)
    void aPeerWithoutAgentIsRefusedWithinOneSecondUnderRequire() throws Exception {
        long refused = agentA.stat("refused");
        String out = client(Duration.ofSeconds(15), "connect", TestHosts.B4, Integer.toString(NO_AGENT));
        assertTrue(out.startsWith("FAILED"), out);
        long ms = Long.parseLong(out.split(" ")[1].strip());
        assertTrue(ms < 1000, "refused after " + ms + " ms");
        assertTrue(out.contains("refused") || out.contains("reset"), out);
        AgentProcess.waitFor(Duration.ofSeconds(5), () -> stat(agentA, "refused") > refused, "refusal counted");
    }

    @Test
    @Order(4)
    void withoutAKeyForThePeerTheApplicationIsRefusedAtOnce() throws Exception {
        long before = agentA.stat("drop.no_key");
        String out = client(Duration.ofSeconds(15), "connect", B4_NO_KEY, Integer.toString(AES));
        assertTrue(out.startsWith("FAILED"), out);
        assertTrue(Long.parseLong(out.split(" ")[1].strip()) < 1000, out);
        assertTrue(out.contains("refused"), out);
        AgentProcess.waitFor(Duration.ofSeconds(5), () -> stat(agentA, "drop.no_key") > before, "no_key counted");
    }

    @Test
    @Order(5)
    void aPeerWithoutAgentWorksInPlaintextUnderOpportunistic() throws Exception {
        long plain = agentA.stat("plaintext");
        transferIntact(TestHosts.B4, OPPORTUNISTIC, 1L << 20, "random");
        AgentProcess.waitFor(Duration.ofSeconds(5), () -> stat(agentA, "plaintext") > plain, "plaintext counted");
    }

    @Test
    @Order(6)
    void compressionShrinksTheWireBytesOfTextAndKeepsThemIntact() throws Exception {
        long rx = rxBytes();
        long bytes = 8L << 20;
        transferIntact(TestHosts.B4, COMPRESSED, bytes, "text");
        long wire = rxBytes() - rx;
        assertTrue(wire < bytes * 0.7, "wire bytes " + wire + " for " + bytes + " bytes of text");
        AgentProcess.waitFor(Duration.ofSeconds(5), () -> stat(agentA, "compressed") > 100, "compressed segments counted");
    }

    @Test
    @Order(7)
    void theChaCha20SuiteWorksToo() throws Exception {
        transferIntact(TestHosts.B4, CHACHA, 5L << 20, "random");
    }

    @Test
    @Order(8)
    void killingAnAgentMidTransferResetsTheConnectionAndLeaksNoPlaintext() throws Exception {
        Capture cap = new Capture("tcp port " + AES);
        Path serverLog = tmp.resolve("server-" + TestHosts.B4 + "-" + AES + ".log");
        Path log = tmp.resolve("client-kill.log");
        long opened = agentB.stat("opened");
        hosts.spawn(hosts.a, log, TestHosts.javaMain(StreamCheck.class, "bulk", TestHosts.B4, Integer.toString(AES), Long.toString(4L << 30), "text"));
        AgentProcess.waitFor(Duration.ofSeconds(20), () -> stat(agentB, "opened") > opened + 2000, "the transfer to run");
        agentB.kill9();
        Thread.sleep(500);
        Files.deleteIfExists(agentB.pidFile);
        agentB.start();
        // The sender backs off while B's agent is down; its next retransmissions after the
        // restart make B's stack reveal rcv_nxt, then bring the reset (PROTOCOL.md 9).
        AgentProcess.waitFor(Duration.ofSeconds(45), () -> TestHosts.logContains(serverLog, "ERROR"), "B's application to see a reset");
        AgentProcess.waitFor(Duration.ofSeconds(10), () -> stat(agentB, "local_resets") > 0, "the reset counted");
        assertFalse(has(cap.stop(), StreamCheck.MARKER.strip()), "no plaintext reached the wire");
    }

    private long rxBytes() throws Exception {
        return Long.parseLong(hosts.in(hosts.b, "cat", "/sys/class/net/" + veth + "/statistics/rx_bytes").strip());
    }

    private static long stat(AgentProcess ag, String name) {
        try {
            return ag.stat(name);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
