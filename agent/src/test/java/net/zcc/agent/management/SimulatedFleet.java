package net.zcc.agent.management;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.zcc.agent.configd.CentralServices;
import net.zcc.agent.configd.Firewall;
import net.zcc.agent.configd.Interception;
import net.zcc.agent.configd.Reloader;
import net.zcc.agent.configd.RuleOptions;
import net.zcc.agent.remote.HostTls;
import net.zcc.jmx.DataPlaneMXBean;
import net.zcc.jmx.PeerInfo;
import net.zcc.jmx.PeersMXBean;
import net.zcc.jmx.ServiceTraffic;
import net.zcc.jmx.TrafficMXBean;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.contract.KeyId;
import net.zcc.servicefile.Schemes;

/**
 * N simulated agents with REAL management endpoints, in this JVM, for the console's scale test
 * and our own security tests: each has its own host certificate from one fleet CA, its own MBean
 * server with the real {@link ServicesBean} (push goes through a real {@link Reloader}, parser
 * and central store; the firewall is in memory) and counters that move with time, served by the
 * real {@link ManagementServer} with the policy files of {@code docs/jolokia/} on a loopback port.
 *
 * <pre>
 * try (SimulatedFleet fleet = SimulatedFleet.start(200, tmpDir)) {
 *     HttpClient console = fleet.console().client();
 *     for (SimulatedFleet.Agent a : fleet.agents()) {
 *         a.url("/jolokia/console/read/zcc:type=Traffic/Services");   // https://127.0.0.1:PORT/...
 *     }
 * }
 * </pre>
 * The console and monitoring identities are also written as PEM files (for curl) under the
 * directory given.
 */
public final class SimulatedFleet implements AutoCloseable {
    /** The policy files shipped in docs/jolokia/ (tests run in agent/). */
    public static final Path CONSOLE_POLICY = Path.of("../docs/jolokia/console-policy.xml");
    public static final Path MONITOR_POLICY = Path.of("../docs/jolokia/monitor-policy.xml");

    /** A client identity: its key and certificate in memory and as PEM files. */
    public record Identity(PrivateKey key, X509Certificate cert, X509Certificate ca, Path keyFile, Path certFile,
            Path caFile) {
        /** An HTTP client presenting this identity and trusting only {@code trusted} (the fleet CA). */
        public HttpClient client() {
            return HttpClient.newBuilder().sslContext(sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        }

        public SSLContext sslContext() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("me", key, new char[0], new Certificate[] {cert});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
                kmf.init(ks, new char[0]);
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                ts.setCertificateEntry("ca", ca);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(ts);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
                return ctx;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One simulated agent. */
    public record Agent(String keyId, ManagementServer server, MBeanServer mbeans, AgentBeans beans,
            Reloader reloader) {
        public URI url(String path) {
            return server.url(path);
        }

        public String authority() {
            return server.authority();
        }
    }

    private final Path dir;
    private final FleetCa ca;
    private final List<Agent> agents = new ArrayList<>();
    private Identity console;
    private Identity monitor;
    private final long startNanos = System.nanoTime();

    private SimulatedFleet(Path dir, FleetCa ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /** Starts {@code n} agents with both Jolokia endpoints and the metrics path. */
    public static SimulatedFleet start(int n, Path dir) throws Exception {
        return start(n, dir, CONSOLE_POLICY, MONITOR_POLICY);
    }

    /** As {@link #start(int, Path)}, with other policy files (null: that endpoint is not served). */
    public static SimulatedFleet start(int n, Path dir, Path consolePolicy, Path monitorPolicy) throws Exception {
        SimulatedFleet f = new SimulatedFleet(dir, FleetCa.openOrCreate(dir.resolve("ca")));
        f.console = f.identity("zcc-console", "console");
        f.monitor = f.identity("zcc-monitor", "prometheus");
        try {
            for (int i = 0; i < n; i++) {
                f.agents.add(f.agent(i, consolePolicy, monitorPolicy));
            }
        } catch (Exception e) {
            f.close();
            throw e;
        }
        return f;
    }

    public List<Agent> agents() {
        return agents;
    }

    public Identity console() {
        return console;
    }

    public Identity monitor() {
        return monitor;
    }

    public FleetCa ca() {
        return ca;
    }

    /** A role identity from this fleet's CA, written under the fleet directory. */
    public Identity identity(String role, String name) throws Exception {
        KeyPair pair = FleetCa.newEcKeyPair();
        return write(name, pair, ca.issueRoleCertificate(role, name, pair.getPublic(), Duration.ofDays(1)),
                ca.certificate());
    }

    /** A host certificate of this fleet (no role) used as a client. */
    public Identity hostIdentity(String name) throws Exception {
        KeyPair pair = FleetCa.newEcKeyPair();
        X509Certificate cert = ca.issueHostCertificate(randomKeyId(), pair.getPublic(), Duration.ofDays(1),
                List.of(InetAddress.getLoopbackAddress()));
        return write(name, pair, cert, ca.certificate());
    }

    Identity write(String name, KeyPair pair, X509Certificate cert, X509Certificate caCert) throws IOException {
        Path d = Files.createDirectories(dir.resolve("identities"));
        Path key = d.resolve(name + ".key.pem");
        Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Path crt = d.resolve(name + ".cert.pem");
        Path caf = d.resolve("fleet-ca.cert.pem");
        try {
            Files.writeString(crt, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(caf, pem("CERTIFICATE", caCert.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        return new Identity(pair.getPrivate(), cert, caCert, key, crt, caf);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyId randomKeyId() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return new KeyId(HexFormat.of().formatHex(b));
    }

    private Agent agent(int i, Path consolePolicy, Path monitorPolicy) throws Exception {
        KeyId id = randomKeyId();
        KeyPair pair = FleetCa.newEcKeyPair();
        X509Certificate cert = ca.issueHostCertificate(id, pair.getPublic(), Duration.ofDays(1),
                List.of(InetAddress.getLoopbackAddress()));
        Path home = Files.createDirectories(dir.resolve("agent-" + i));
        Path local = home.resolve("services.xml");
        Files.writeString(local, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<services version=\"1\">\n"
                + "  <service name=\"db\" host=\"198.18.0." + (2 + i % 250) + "\" port=\"5432\" type=\"server\""
                + " scheme=\"aes-256\" encrypt=\"true\"/>\n</services>\n", StandardCharsets.UTF_8);
        Reloader reloader = new Reloader(local, new MemoryFirewall(), new RuleOptions(0, 1, 0x00100000,
                Duration.ofDays(7), Interception.NATIVE), Schemes.BUILT_IN, s -> { }, new CentralServices(
                home.resolve("state")));
        reloader.reload(Reloader.START);
        ServicesBean services = new ServicesBean();
        services.attach(reloader);
        AgentBeans beans = new AgentBeans(new AgentBean(new AgentBean.Facts(id.hex(), List.of("127.0.0.1"),
                "https://198.18.0.1:8443", "reachable", () -> Optional.of(true), () -> Optional.of(cert)), 2),
                movingDataPlane(i), services, movingTraffic(i), peers(i), List.of());
        MBeanServer mbeans = MBeanServerFactory.newMBeanServer(); // not found by other agents' Jolokia
        beans.registerIn(mbeans);
        ManagementServer server = ManagementServer.start(new ManagementServer.Config(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), consolePolicy, monitorPolicy),
                HostTls.of(pair.getPrivate(), cert, ca.certificate()).serverContext(), mbeans,
                () -> PrometheusText.render(beans));
        return new Agent(id.hex(), server, mbeans, beans, reloader);
    }

    /** Grows with time, differently per agent: counters that a console sees moving. */
    private long tick(int agent) {
        return (System.nanoTime() - startNanos) / 1_000_000 * (agent + 1);
    }

    private DataPlaneMXBean movingDataPlane(int agent) {
        return (DataPlaneMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataPlaneMXBean.class}, (p, m, args) -> switch (m.getName()) {
                    case "getConnections" -> (int) (tick(agent) % 100);
                    case "getDrops" -> Map.of("bad_mac", tick(agent) / 1000, "no_key", 0L);
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    case "toString" -> "moving data plane " + agent;
                    default -> tick(agent);
                });
    }

    private TrafficMXBean movingTraffic(int agent) {
        return () -> {
            long t = tick(agent);
            Map<String, Long> drops = new LinkedHashMap<>();
            for (net.zcc.agent.path.DropReason r : net.zcc.agent.path.DropReason.values()) {
                drops.put(r.name().toLowerCase(), r.ordinal() == 5 ? t / 1000 : 0L);
            }
            return List.of(new ServiceTraffic("db", "198.18.0." + (2 + agent % 250), 5432, t * 100, t * 90, t, t,
                    (int) (t % 7), t / 500, t / 700, t * 3, drops));
        };
    }

    private static PeersMXBean peers(int agent) {
        return new PeersMXBean() {
            @Override
            public List<PeerInfo> getPeers() {
                return List.of(new PeerInfo("00112233445566778899aabbccdd" + String.format("%04x", agent),
                        List.of("198.18.0." + (2 + agent % 250)), 30, 1, 4, ""));
            }

            @Override
            public long getRevokedPeersTotal() {
                return 0;
            }
        };
    }

    @Override
    public void close() {
        for (Agent a : agents) {
            a.server().close();
            a.beans().close();
        }
    }

    /** The kernel edge in memory: every ruleset is accepted. */
    static final class MemoryFirewall implements Firewall {
        volatile String last;

        @Override
        public Interception probe() {
            return Interception.NATIVE;
        }

        @Override
        public void apply(String nftScript) {
            last = nftScript;
        }

        @Override
        public void installQueueRules(RuleOptions options) {
        }

        @Override
        public void uninstall(RuleOptions options) {
        }
    }
}
