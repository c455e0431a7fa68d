package net.zcc.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZCC across a routed path that is hostile or narrow: host A — router R — host B (see
 * {@link RoutedHosts}), an agent on A (type="server" for B's service) and on B (type="client"
 * for A). Needs root (skipped, with the reason printed, otherwise).
 *
 * <ul>
 *   <li>{@link #hostilePathDeliversIntactAndForgedResetsDoNotKill}: R drops ~3 % each way (nft
 *       numgen), and {@link Impairer} on R's NFQUEUE flips payload bits (checksum fixed),
 *       duplicates, reorders and forges RSTs. 20 MB arrive byte-identical; B's agent dropped
 *       the flipped segments as bad_mac and the forged RSTs as missing_option; the connection
 *       was never reset.</li>
 *   <li>{@link #mtu1280}: the R–B link at MTU 1280; a few MB each way over IPv4 and over IPv6
 *       arrive intact and no fragment was created or reassembled anywhere.</li>
 *   <li>{@link #forgedSynAcksCannotDowngradeRequireToPlaintext}: {@link SynAckForger} on R strips
 *       the ZCC option from B's SYN-ACK, gives it a wrong ack, and injects a copy with the right
 *       ack right behind it (issue 9, finding 1): A's application is refused, and a capture on R
 *       shows no plaintext.</li>
 * </ul>
 */
class RouterImpairmentIT {
    private static final int PORT = 5001;
    private static final int PORT6 = 5003;
    private static final int IMPAIR_QUEUE = 7;

    @TempDir
    Path tmp;

    private record Transfer(String what, String sent, String recv, String clientLog, String serverLog) {
        boolean intact() {
            return sent != null && recv != null && field(sent, 1).equals(field(recv, 1)) && field(sent, 2).equals(field(recv, 2));
        }

        long bytes() {
            return Long.parseLong(field(sent, 1));
        }

        private static String field(String line, int i) {
            return line.split(" ")[i];
        }

        @Override
        public String toString() {
            return what + ": " + (intact() ? "intact, " + sent : "FAILED\n  client: " + clientLog.strip() + "\n  server: " + serverLog.strip());
        }
    }

    private static AgentProcess[] startAgents(RoutedHosts h, Path dir) throws Exception {
        AgentProcess a = new AgentProcess(h.hosts, h.a, Files.createDirectories(dir.resolve("agent-a")));
        AgentProcess b = new AgentProcess(h.hosts, h.b, Files.createDirectories(dir.resolve("agent-b")));
        // exit 4 only says the agent does not run yet: the file applies when it starts
        a.zcc("service", "add", "--name", "svc", "--host", RoutedHosts.B4, "--port", "" + PORT, "--type", "server");
        a.zcc("service", "add", "--name", "svc6", "--host", RoutedHosts.B6, "--port", "" + PORT6, "--type", "server");
        b.zcc("service", "add", "--name", "svc", "--host", RoutedHosts.A4, "--port", "" + PORT, "--type", "client");
        b.zcc("service", "add", "--name", "svc6", "--host", RoutedHosts.A6, "--port", "" + PORT6, "--type", "client");
        a.writeKeys("*");
        b.writeKeys("*");
        a.start();
        b.start();
        return new AgentProcess[] {a, b};
    }


    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String lastLine(Path p, String prefix) {
        String found = null;
        for (String l : read(p).lines().toList()) {
            if (l.startsWith(prefix)) {
                found = l;
            }
        }
        return found;
    }

    /**
     * One bulk transfer on a connection A opens to B: {@code aToB} sends from A, else B sends.
     * Bounded by {@code limit}; on timeout both ends are stopped and the result says FAILED.
     */
    private Transfer transfer(RoutedHosts h, String name, String addr, int port, boolean aToB, long bytes, Duration limit)
            throws Exception {
        Path serverLog = tmp.resolve(name + "-server.log");
        Path clientLog = tmp.resolve(name + "-client.log");
        List<String> server = aToB ? TestHosts.javaMain(Bulk.class, "server", addr, "" + port, "recv")
                : TestHosts.javaMain(Bulk.class, "server", addr, "" + port, "send", "" + bytes);
        List<String> client = aToB ? TestHosts.javaMain(Bulk.class, "client", addr, "" + port, "send", "" + bytes)
                : TestHosts.javaMain(Bulk.class, "client", addr, "" + port, "recv");
        Process s = h.spawn(h.b, serverLog, server);
        AgentProcess.waitFor(Duration.ofSeconds(15), () -> read(serverLog).contains("LISTENING") || !s.isAlive(), name + " server");
        long t0 = System.nanoTime();
        Process c = h.spawn(h.a, clientLog, client);
        long left = limit.toMillis();
        boolean done = c.waitFor(left, TimeUnit.MILLISECONDS)
                && s.waitFor(Math.max(1, left - (System.nanoTime() - t0) / 1_000_000), TimeUnit.MILLISECONDS);
        if (!done) {
            c.destroyForcibly();
            s.destroyForcibly();
            c.waitFor(5, TimeUnit.SECONDS);
            s.waitFor(5, TimeUnit.SECONDS);
        }
        Path sender = aToB ? clientLog : serverLog;
        Path receiver = aToB ? serverLog : clientLog;
        Transfer t = new Transfer(name + (done ? "" : " (timed out after " + limit.toSeconds() + " s)"),
                lastLine(sender, "SENT"), lastLine(receiver, "RECV"), read(clientLog), read(serverLog));
        System.out.println(t);
        return t;
    }

    private static String stats(AgentProcess ag) {
        return read(ag.stats).replace('\n', ' ');
    }

    /** Waits past one rewrite of both agents' stats files (every second), so counters are current. */
    private static void freshStats(AgentProcess... agents) throws Exception {
        Map<AgentProcess, Long> before = new LinkedHashMap<>();
        for (AgentProcess ag : agents) {
            before.put(ag, Files.exists(ag.stats) ? Files.getLastModifiedTime(ag.stats).toMillis() : 0L);
        }
        AgentProcess.waitFor(Duration.ofSeconds(5), () -> before.entrySet().stream().allMatch(e -> {
            try {
                return Files.getLastModifiedTime(e.getKey().stats).toMillis() > e.getValue();
            } catch (java.io.IOException x) {
                return false;
            }
        }), "agents' stats files to be rewritten");
    }

    private static long count(String countsLine, String key) {
        for (String kv : countsLine.split(" ")) {
            if (kv.startsWith(key + "=")) {
                return Long.parseLong(kv.substring(key.length() + 1));
            }
        }
        throw new AssertionError("no " + key + " in " + countsLine);
    }

    @Test
    void hostilePathDeliversIntactAndForgedResetsDoNotKill() throws Exception {
        TestHosts.assumeRoot();
        try (RoutedHosts h = RoutedHosts.create("i", 0)) {
            Path nft = tmp.resolve("impair.nft");
            Files.writeString(nft, """
                    table inet impair {
                      chain path {
                        type filter hook forward priority 0;
                        tcp dport %1$d numgen random mod 100 < 3 counter drop
                        tcp sport %1$d numgen random mod 100 < 3 counter drop
                      }
                    }
                    """.formatted(PORT));
            h.in(h.r, "nft", "-f", nft.toString());
            for (String dir : List.of("--dport", "--sport")) {
                h.in(h.r, "iptables", "-A", "FORWARD", "-p", "tcp", dir, "" + PORT, "-j", "NFQUEUE", "--queue-num", "" + IMPAIR_QUEUE);
            }
            AgentProcess[] ag = startAgents(h, tmp);
            Path impLog = tmp.resolve("impairer.log");
            // per mille: flip 10, duplicate 10, reorder 20, forged RST 5
            Process imp = h.spawn(h.r, impLog, TestHosts.javaMain(Impairer.class, "" + IMPAIR_QUEUE, "" + PORT, "20260127", "10", "10", "20", "5"));
            AgentProcess.waitFor(Duration.ofSeconds(15), () -> read(impLog).contains("BOUND") || !imp.isAlive(), "impairer to bind");
            assertTrue(imp.isAlive(), "impairer: " + read(impLog));

            List<String> kernel = List.of("TcpInCsumErrors", "IpExtInTruncatedPkts", "TcpRetransSegs");
            Map<String, Long> before = snmp(h, kernel);
            Transfer t = transfer(h, "impaired-4", RoutedHosts.B4, PORT, true, 20_000_000, Duration.ofSeconds(80));
            System.out.println("kernel deltas (A, R, B): " + delta(before, snmp(h, kernel)));

            imp.destroy(); // SIGTERM: "ip netns exec" has exec'd the JVM, so this is the Impairer itself
            assertTrue(imp.waitFor(10, TimeUnit.SECONDS), "impairer to exit on SIGTERM");
            String counts = lastLine(impLog, "COUNTS");
            freshStats(ag);
            String nftCounters = h.in(h.r, "nft", "list", "table", "inet", "impair");
            System.out.println("impairer: " + counts);
            System.out.println("R drops: " + nftCounters.lines().filter(l -> l.contains("counter")).map(String::strip).toList());
            System.out.println("agent A: " + stats(ag[0]));
            System.out.println("agent B: " + stats(ag[1]));

            assertTrue(t.intact(), t.toString());
            assertEquals(20_000_000, t.bytes());
            assertTrue(t.clientLog().contains("CONNECTED") && !t.clientLog().contains("ERROR") && !t.serverLog().contains("ERROR"),
                    "one connection, never reset: " + t);
            assertNotNull(counts, "impairer counts: " + read(impLog));
            long flips = count(counts, "flips");
            long rsts = count(counts, "rsts");
            assertTrue(flips > 0 && count(counts, "dups") > 0 && count(counts, "reorders") > 0 && rsts > 0,
                    "every impairment happened: " + counts);
            assertEquals(0, count(counts, "errors"), counts);
            long badMac = ag[1].stat("drop.bad_mac");
            long missing = ag[1].stat("drop.missing_option");
            assertTrue(badMac > 0 && badMac <= flips, "B dropped the flipped segments as bad_mac: " + badMac + " of " + flips + " flips");
            assertTrue(missing > 0 && missing <= rsts, "B dropped the forged RSTs as missing_option: " + missing + " of " + rsts);
            assertEquals(0, ag[1].stat("local_resets"), "B's agent reset nothing");
            assertEquals(0, ag[0].stat("local_resets"), "A's agent reset nothing");
            assertEquals(1, ag[1].stat("handshakes"), "one protected connection");
        }
    }

    @Test
    void mtu1280() throws Exception {
        TestHosts.assumeRoot();
        try (RoutedHosts h = RoutedHosts.create("m", 1280)) {
            AgentProcess[] ag = startAgents(h, tmp);
            List<String> counters = List.of("IpFragCreates", "IpFragFails", "IpReasmReqds", "Ip6FragCreates",
                    "Ip6FragFails", "Ip6ReasmReqds", "IcmpOutDestUnreachs", "IcmpInDestUnreachs",
                    "Icmp6OutPktTooBigs", "Icmp6InPktTooBigs", "TcpInCsumErrors", "IpExtInTruncatedPkts");
            Map<String, Long> before = snmp(h, counters);
            long bytes = 4_000_000;
            Duration limit = Duration.ofSeconds(20);
            List<Transfer> ts = List.of(
                    transfer(h, "mtu-4-a2b", RoutedHosts.B4, PORT, true, bytes, limit),
                    transfer(h, "mtu-4-b2a", RoutedHosts.B4, PORT, false, bytes, limit),
                    transfer(h, "mtu-6-a2b", RoutedHosts.B6, PORT6, true, bytes, limit),
                    transfer(h, "mtu-6-b2a", RoutedHosts.B6, PORT6, false, bytes, limit));
            freshStats(ag);
            Map<String, Long> delta = delta(before, snmp(h, counters));
            System.out.println("snmp deltas (A, R, B): " + delta);
            System.out.println("agent A: " + stats(ag[0]));
            System.out.println("agent B: " + stats(ag[1]));
            for (String ns : List.of(h.a, h.b)) {
                System.out.println(ns + " route cache: " + h.in(ns, "ip", "route", "show", "cache").strip()
                        + " | " + h.in(ns, "ip", "-6", "route", "show", "cache").strip());
            }
            List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
            for (Transfer t : ts) {
                checks.add(() -> assertTrue(t.intact() && t.bytes() == bytes, t.toString()));
            }
            for (String k : delta.keySet()) {
                if (k.contains("FragCreates") || k.contains("ReasmReqds")) {
                    checks.add(() -> assertEquals(0, delta.get(k), "no fragments: " + k + " in " + delta));
                }
            }
            org.junit.jupiter.api.Assertions.assertAll("MTU 1280 on the R-B link", checks);
        }
    }

    @Test
    void forgedSynAcksCannotDowngradeRequireToPlaintext() throws Exception {
        TestHosts.assumeRoot();
        try (RoutedHosts h = RoutedHosts.create("d", 0)) {
            h.in(h.r, "iptables", "-A", "FORWARD", "-p", "tcp", "--sport", "" + PORT, "-j", "NFQUEUE", "--queue-num", "" + IMPAIR_QUEUE);
            AgentProcess[] ag = startAgents(h, tmp);
            Path forgerLog = tmp.resolve("forger.log");
            Process forger = h.spawn(h.r, forgerLog, TestHosts.javaMain(SynAckForger.class, "" + IMPAIR_QUEUE, "" + PORT));
            AgentProcess.waitFor(Duration.ofSeconds(15), () -> read(forgerLog).contains("BOUND") || !forger.isAlive(), "forger to bind");
            Path pcap = tmp.resolve("r.pcap");
            Process capture = h.spawn(h.r, tmp.resolve("tcpdump.log"), List.of("tcpdump", "-i", h.ifRa, "-U", "-s", "0", "-w",
                    pcap.toString(), "tcp", "port", "" + PORT));
            AgentProcess.waitFor(Duration.ofSeconds(10), () -> read(tmp.resolve("tcpdump.log")).contains("listening"), "tcpdump");
            Path serverLog = tmp.resolve("downgrade-server.log");
            Process server = h.spawn(h.b, serverLog, TestHosts.javaMain(Bulk.class, "server", RoutedHosts.B4, "" + PORT, "recv"));
            AgentProcess.waitFor(Duration.ofSeconds(15), () -> read(serverLog).contains("LISTENING") || !server.isAlive(), "server");

            // The application connects and, if it ever gets a connection, sends its secret in the clear.
            TestHosts.Run app = h.hosts.run(h.a, List.of("timeout", "20", "bash", "-c",
                    "exec 3<>/dev/tcp/" + RoutedHosts.B4 + "/" + PORT + " && printf 'SECRET-PLAINTEXT-%.0s' {1..50} >&3 && sleep 2"));
            Thread.sleep(500); // let the capture write its last packets
            capture.destroy();
            capture.waitFor(5, TimeUnit.SECONDS);
            freshStats(ag);
            String wire = h.in(h.r, "tcpdump", "-r", pcap.toString(), "-nn", "-A");
            System.out.println("application: exit " + app.exit() + " " + app.output().strip());
            System.out.println("forger: " + read(forgerLog).strip().replace('\n', ' '));
            System.out.println("agent A: " + stats(ag[0]));

            assertTrue(read(forgerLog).contains("INJECTED 2"), "both forged SYN-ACKs were sent: " + read(forgerLog));
            assertTrue(!wire.contains("SECRET"), "no plaintext on the wire: " + wire.lines().filter(l -> l.contains("SECRET")).findFirst().orElse(""));
            assertTrue(app.exit() != 0 && app.output().contains("refused"), "the application's connect is refused: " + app.output());
            assertTrue(ag[0].stat("drop.unacceptable_ack") >= 1, "the wrong-ack SYN-ACK was dropped");
            assertEquals(1, ag[0].stat("refused"), "the right-ack one refused the connection");
        }
    }

    /** The counters of A, R and B, keyed "A:name" etc. */
    private static Map<String, Long> snmp(RoutedHosts h, List<String> names) throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String ns : List.of(h.a, h.r, h.b)) {
            String host = ns.equals(h.a) ? "A" : ns.equals(h.r) ? "R" : "B";
            h.counters(ns, names).forEach((k, v) -> m.put(host + ":" + k, v));
        }
        return m;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.get(k)));
        return d;
    }
}
