package net.zcc.agent.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Three namespaces on a routed path: host A — router R — host B, two veth pairs, benchmarking
 * addresses only (198.18.0.0/15, 2001:2::/48). Forwarding is switched on inside R only. The R–B
 * link can be given a smaller MTU (both ends). Names carry the process id, and {@link #close()}
 * always stops what was spawned and deletes all three namespaces.
 *
 * <pre>
 *  A 198.18.1.1/24  2001:2:1::1/64 --- 198.18.1.254  2001:2:1::fe  R  198.18.2.254  2001:2:2::fe --- B 198.18.2.1/24  2001:2:2::1/64
 * </pre>
 */
final class RoutedHosts implements AutoCloseable {
    static final String A4 = "198.18.1.1";
    static final String RA4 = "198.18.1.254";
    static final String RB4 = "198.18.2.254";
    static final String B4 = "198.18.2.1";
    static final String A6 = "2001:2:1::1";
    static final String RA6 = "2001:2:1::fe";
    static final String RB6 = "2001:2:2::fe";
    static final String B6 = "2001:2:2::1";

    final String a;
    final String r;
    final String b;
    /** veth ends: A's, R's towards A, R's towards B, B's. */
    final String ifA;
    final String ifRa;
    final String ifRb;
    final String ifB;
    /** Process tracking and commands for A and B (and, through {@link #in}, any namespace). */
    final TestHosts hosts;

    private RoutedHosts(String tag, long pid) {
        a = "zcc" + tag + "a" + pid;
        r = "zcc" + tag + "r" + pid;
        b = "zcc" + tag + "b" + pid;
        ifA = "z" + tag + "a" + pid;
        ifRa = "z" + tag + "ra" + pid;
        ifRb = "z" + tag + "rb" + pid;
        ifB = "z" + tag + "b" + pid;
        hosts = TestHosts.of(a, b);
    }

    /**
     * @param tag   one or two letters, unique per test class (namespace and interface names)
     * @param mtuRb MTU of the R–B link on both ends, or 0 for the default (1500)
     */
    static RoutedHosts create(String tag, int mtuRb) throws IOException, InterruptedException {
        RoutedHosts h = new RoutedHosts(tag, ProcessHandle.current().pid());
        if (h.ifRa.length() > 15) {
            throw new IllegalArgumentException("tag too long for interface names: " + tag);
        }
        try {
            for (String ns : List.of(h.a, h.r, h.b)) {
                TestHosts.sh("ip", "netns", "add", ns);
                h.in(ns, "ip", "link", "set", "lo", "up");
            }
            TestHosts.sh("ip", "link", "add", h.ifA, "netns", h.a, "type", "veth", "peer", "name", h.ifRa, "netns", h.r);
            TestHosts.sh("ip", "link", "add", h.ifB, "netns", h.b, "type", "veth", "peer", "name", h.ifRb, "netns", h.r);
            if (mtuRb > 0) {
                h.in(h.r, "ip", "link", "set", h.ifRb, "mtu", "" + mtuRb);
                h.in(h.b, "ip", "link", "set", h.ifB, "mtu", "" + mtuRb);
            }
            h.address(h.a, h.ifA, A4 + "/24", A6 + "/64");
            h.address(h.r, h.ifRa, RA4 + "/24", RA6 + "/64");
            h.address(h.r, h.ifRb, RB4 + "/24", RB6 + "/64");
            h.address(h.b, h.ifB, B4 + "/24", B6 + "/64");
            h.in(h.a, "ip", "route", "add", "198.18.2.0/24", "via", RA4);
            h.in(h.a, "ip", "-6", "route", "add", "2001:2:2::/64", "via", RA6);
            h.in(h.b, "ip", "route", "add", "198.18.1.0/24", "via", RB4);
            h.in(h.b, "ip", "-6", "route", "add", "2001:2:1::/64", "via", RB6);
            h.in(h.r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            h.in(h.r, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    private void address(String ns, String dev, String v4, String v6) throws IOException, InterruptedException {
        in(ns, "ip", "addr", "add", v4, "dev", dev);
        in(ns, "ip", "addr", "add", v6, "dev", dev, "nodad");
        in(ns, "ip", "link", "set", dev, "up");
    }

    /** Runs a command in a namespace and waits; throws with its output if it fails. */
    String in(String ns, String... cmd) throws IOException, InterruptedException {
        return hosts.in(ns, cmd);
    }

    /** Starts a long-running process in a namespace; stopped (by its pid) by {@link #close}. */
    Process spawn(String ns, Path log, List<String> cmd) throws IOException {
        return hosts.spawn(ns, log, cmd);
    }

    /**
     * Absolute kernel counters inside {@code ns} (nstat names, e.g. "IpFragCreates",
     * "Ip6FragCreates", "TcpInCsumErrors", "IpExtInTruncatedPkts"); nstat's history is left alone.
     */
    java.util.Map<String, Long> counters(String ns, List<String> names) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("nstat", "-asz"));
        cmd.addAll(names);
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        names.forEach(n -> m.put(n, 0L));
        for (String line : in(ns, cmd.toArray(String[]::new)).lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && m.containsKey(f[0])) {
                m.put(f[0], Long.parseLong(f[1]));
            }
        }
        return m;
    }

    @Override
    public void close() {
        hosts.close(); // stops what was spawned, deletes A and B (and with them their veth ends)
        try {
            TestHosts.sh("ip", "netns", "del", r);
        } catch (IOException | InterruptedException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }
}
