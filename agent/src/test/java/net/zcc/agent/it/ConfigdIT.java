package net.zcc.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * zcc_configd on two namespace hosts in pass-through mode, with real nft rules, real NFQUEUE and
 * real TCP. Host A connects to services on host B; B's agent protects the same services as
 * type="client". Needs root (skipped, with the reason printed, otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigdIT {
    private static final int PROTECTED = 5001;
    private static final int PLAIN = 5002;
    private static final int PROTECTED6 = 5003;

    @TempDir
    static Path tmp;

    private TestHosts hosts;
    private AgentProcess agentA;
    private AgentProcess agentB;
    private int streams;

    @BeforeAll
    void setUp() throws Exception {
        TestHosts.assumeRoot();
        hosts = TestHosts.create("c");
        agentA = new AgentProcess(hosts, hosts.a, Files.createDirectories(tmp.resolve("a")));
        agentB = new AgentProcess(hosts, hosts.b, Files.createDirectories(tmp.resolve("b")));
        // A is the client of B's services; B sees A as the client.
        agentA.zcc("service", "add", "--name", "svc", "--host", TestHosts.B4, "--port", "" + PROTECTED, "--type", "server");
        agentA.zcc("service", "add", "--name", "svc6", "--host", TestHosts.B6, "--port", "" + PROTECTED6, "--type", "server");
        agentB.zcc("service", "add", "--name", "svc", "--host", TestHosts.A4, "--port", "" + PROTECTED, "--type", "client");
        agentB.zcc("service", "add", "--name", "svc6", "--host", TestHosts.A6, "--port", "" + PROTECTED6, "--type", "client");
        agentA.writeKeys("*");
        agentB.writeKeys("*");
        // A is asked to reload while it starts (before its pid file exists); B inherits SIGHUP
        // ignored (nohup, some CI runners): both must reload on every SIGHUP all the same.
        agentA.spawnDaemon();
        long pidA = agentA.spawnedPid();
        AgentProcess.waitFor(Duration.ofSeconds(20), () -> TestHosts.logContains(Path.of("/proc", "" + pidA, "comm"), "zcc_configd"),
                "A to name itself");
        TestHosts.sh("kill", "-HUP", Long.toString(pidA));
        agentA.awaitStarted();
        agentA.awaitLog("reloaded ", 2);
        agentB.inheritIgnoredHup = true;
        agentB.start();
        assertTrue(TestHosts.logContains(agentB.log, "started with SIGHUP ignored"), "B says it reset SIGHUP");
        for (AgentProcess ag : List.of(agentA, agentB)) { // what pgrep -x / pkill -x match
            assertEquals("zcc_configd", Files.readString(Path.of("/proc", "" + ag.pid(), "comm")).strip());
        }
        for (String[] s : new String[][] {{TestHosts.B4, "" + PROTECTED}, {TestHosts.B4, "" + PLAIN}, {TestHosts.B6, "" + PROTECTED6}}) {
            Path log = tmp.resolve("server-" + s[1] + ".log");
            hosts.spawn(hosts.b, log, TestHosts.javaMain(StreamCheck.class, "server", s[0], s[1]));
            AgentProcess.waitFor(Duration.ofSeconds(15), () -> TestHosts.logContains(log, "LISTENING"), "server on " + s[1]);
        }
    }

    @AfterAll
    void tearDown() {
        if (hosts != null) {
            hosts.close();
        }
    }



    /** A running client stream from A to B; {@link #finish} stops it and checks both checksums. */
    private final class Stream {
        final Path stop = tmp.resolve("stop-" + (++streams));
        final Path clientLog = tmp.resolve("client-" + streams + ".log");
        final Path serverLog;

        Stream(String addr, int port) throws Exception {
            serverLog = tmp.resolve("server-" + port + ".log");
            hosts.spawn(hosts.a, clientLog, TestHosts.javaMain(StreamCheck.class, "client", addr, "" + port, stop.toString()));
            AgentProcess.waitFor(Duration.ofSeconds(15), () -> TestHosts.logContains(clientLog, "CONNECTED"), "client connect to " + port);
        }

        /** Returns the number of bytes that arrived intact. */
        long finish() throws Exception {
            long recvBefore = Files.readAllLines(serverLog).stream().filter(l -> l.startsWith("RECV")).count();
            Files.writeString(stop, "");
            AgentProcess.waitFor(Duration.ofSeconds(20), () -> TestHosts.logContains(clientLog, "SENT"), "client to finish");
            AgentProcess.waitFor(Duration.ofSeconds(20), () -> {
                try {
                    return Files.readAllLines(serverLog).stream().filter(l -> l.startsWith("RECV")).count() > recvBefore;
                } catch (java.io.IOException e) {
                    return false;
                }
            }, "server to receive");
            String sent = Files.readAllLines(clientLog).stream().filter(l -> l.startsWith("SENT")).findFirst().orElseThrow();
            List<String> recvs = Files.readAllLines(serverLog).stream().filter(l -> l.startsWith("RECV")).toList();
            String recv = recvs.get(recvs.size() - 1);
            assertEquals(sent.substring(5), recv.substring(5), "bytes and SHA-256 on both ends");
            long bytes = Long.parseLong(sent.split(" ")[1]);
            assertTrue(bytes > 0);
            return bytes;
        }
    }

    @Test
    @Order(1)
    void longLivedConnectionSurvives100ReloadsIncludingSwitchingItsServiceOff() throws Exception {
        Stream s = new Stream(TestHosts.B4, PROTECTED);
        long reloadsA = agentA.logCount("reloaded ");
        long reloadsB = agentB.logCount("reloaded ");
        boolean sawQueuedWhileOff = false;
        for (int i = 1; i <= 100; i++) {
            boolean off = i % 10 == 5; // every tenth reload switches the service off, the next one on
            boolean on = i % 10 == 6;
            if (off || on) {
                agentA.zcc("service", off ? "disable" : "enable", "svc");
                agentB.zcc("service", off ? "disable" : "enable", "svc");
            } else {
                assertEquals(0, agentA.zcc("reload"));
                assertEquals(0, agentB.zcc("reload"));
            }
            agentA.awaitLog("reloaded ", reloadsA + i);
            agentB.awaitLog("reloaded ", reloadsB + i);
            if (off) {
                assertTrue(!agentA.ruleset().contains(TestHosts.B4 + " . " + PROTECTED), "service is off in A's rules");
                long before = hosts.queuedPackets(hosts.a) + hosts.queuedPackets(hosts.b);
                AgentProcess.waitFor(Duration.ofSeconds(5), () -> {
                    try {
                        return hosts.queuedPackets(hosts.a) + hosts.queuedPackets(hosts.b) > before + 20;
                    } catch (Exception e) {
                        return false;
                    }
                }, "the started connection to stay queued while its service is off");
                sawQueuedWhileOff = true;
            }
        }
        long bytes = s.finish();
        assertTrue(sawQueuedWhileOff);
        System.out.println("100 reloads: " + bytes + " bytes intact through the queue");
    }

    @Test
    @Order(2)
    void newConnectionsFollowTheNewConfiguration() throws Exception {
        agentA.zcc("service", "disable", "svc");
        agentB.zcc("service", "disable", "svc");
        agentA.awaitLog("1 of 2 services enabled", 1);
        agentB.awaitLog("1 of 2 services enabled", 1);
        long before = hosts.queuedPackets(hosts.a) + hosts.queuedPackets(hosts.b);
        new Stream(TestHosts.B4, PROTECTED).finish();
        assertEquals(before, hosts.queuedPackets(hosts.a) + hosts.queuedPackets(hosts.b), "a new connection to a switched-off service is not queued");
        agentA.zcc("service", "enable", "svc");
        agentB.zcc("service", "enable", "svc");
        agentA.awaitLog("2 of 2 services enabled", 2);
        agentB.awaitLog("2 of 2 services enabled", 2);
    }

    @Test
    @Order(3)
    void invalidFileLeavesRulesAndTrafficAsTheyWere() throws Exception {
        Stream s = new Stream(TestHosts.B4, PROTECTED);
        String rulesBefore = withoutStartedConnections(agentA.ruleset());
        String good = Files.readString(agentA.file);
        long reloaded = agentA.logCount("reloaded ");
        long refused = agentA.logCount("refused");
        Files.writeString(agentA.file, "<services><service name='x' host='not-an-address' port='1' type='server'"
                + " scheme='aes-256' encrypt='true'/></services>");
        assertNotEquals(0, agentA.zcc("validate"));
        TestHosts.sh("kill", "-HUP", Long.toString(agentA.pid()));
        agentA.awaitLog("refused", refused + 1);
        assertTrue(Files.readString(agentA.log).contains("is not an IPv4 or IPv6 address"), "the log says why");
        assertEquals(rulesBefore, withoutStartedConnections(agentA.ruleset()));
        long q = hosts.queuedPackets(hosts.a);
        AgentProcess.waitFor(Duration.ofSeconds(5), () -> {
            try {
                return hosts.queuedPackets(hosts.a) > q + 20;
            } catch (Exception e) {
                return false;
            }
        }, "traffic to keep flowing through the queue");
        s.finish();
        Files.writeString(agentA.file, good);
        assertEquals(0, agentA.zcc("reload"));
        agentA.awaitLog("reloaded ", reloaded + 1);
    }

    /** The started-connection sets change with traffic (elements, expiry); the rest must not. */
    private static String withoutStartedConnections(String ruleset) {
        return ruleset.replaceAll("elements = \\{[^}]*expires[^}]*\\}", "");
    }

    @Test
    @Order(4)
    void ipv6WorksLikeIpv4() throws Exception {
        long before = hosts.queuedPackets(hosts.a);
        Stream s = new Stream(TestHosts.B6, PROTECTED6);
        Thread.sleep(500);
        s.finish();
        assertTrue(hosts.queuedPackets(hosts.a) > before + 20, "IPv6 protected traffic went through A's queue");
    }

    @Test
    @Order(5)
    void unprotectedPortNeverEntersTheQueue() throws Exception {
        long a = hosts.queuedPackets(hosts.a);
        long b = hosts.queuedPackets(hosts.b);
        Stream s = new Stream(TestHosts.B4, PLAIN);
        Thread.sleep(500);
        s.finish();
        assertEquals(a, hosts.queuedPackets(hosts.a));
        assertEquals(b, hosts.queuedPackets(hosts.b));
    }

    @Test
    @Order(6)
    void withTheDaemonKilledProtectedTrafficStopsAndUnprotectedFlows() throws Exception {
        agentA.kill9();
        int prot = hosts.status(hosts.a, "timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + TestHosts.B4 + "/" + PROTECTED);
        assertNotEquals(0, prot, "a protected connection must not be made without the agent");
        new Stream(TestHosts.B4, PLAIN).finish();
    }
}
