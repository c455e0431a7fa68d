package net.zcc.agent;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.zcc.agent.configd.ConfigDaemon.ManagementSettings;
import net.zcc.agent.configd.ConfigDaemon.PlaneSettings;
import net.zcc.agent.configd.Reloader;
import net.zcc.agent.management.AgentBean;
import net.zcc.agent.management.AgentBeans;
import net.zcc.agent.management.DataPlaneStats;
import net.zcc.agent.management.ManagementServer;
import net.zcc.agent.management.PeersBean;
import net.zcc.agent.management.PrometheusText;
import net.zcc.agent.management.QueueStatsBean;
import net.zcc.agent.management.ServicesBean;
import net.zcc.agent.management.StatsText;
import net.zcc.agent.management.TrafficBean;
import net.zcc.agent.remote.HostTls;
import net.zcc.agent.configd.PacketPlane;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.keys.NoiseKeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.keys.StaticKeySource;
import net.zcc.agent.nfqueue.NetlinkPacketQueue;
import net.zcc.agent.nfqueue.QueueSet;
import net.zcc.agent.noise.SecureRandomKeyPairSource;
import net.zcc.agent.path.DataPlane;
import net.zcc.agent.remote.AgentIdentity;
import net.zcc.agent.remote.KeyServerClient;
import net.zcc.servicefile.ServiceFile;

/**
 * The agent's packet plane: kernel queues feeding the {@link DataPlane}, with its housekeeping
 * (forgetting finished connections, writing the counters, publishing them as MXBeans).
 */
final class AgentPlane implements PacketPlane {
    private static final Logger LOG = System.getLogger("zcc.agent");
    private final PlaneSettings settings;
    private DataPlane data;
    private QueueSet queues;
    private ScheduledExecutorService housekeeping;
    private KeyServerClient keyServer;
    private NoiseKeySource noise;
    private KeySource keys;
    private AgentIdentity identity;
    private AgentBeans beans;
    private ManagementServer management;
    private HostTls hostTls;

    AgentPlane(PlaneSettings settings) {
        this.settings = settings;
    }

    @Override
    public void start() throws IOException {
        keys = loadKeys();
        data = new DataPlane(keys, System::nanoTime, new CachedRouteMtu(),
                (int) settings.rules().reflectMark());
        data.maxStaleness(settings.maxStaleness());
        queues = QueueSet.netlink(settings.rules().firstQueue(), settings.rules().queueCount(),
                NetlinkPacketQueue.Config.defaults(), data);
        queues.start();
        beans = new AgentBeans(new AgentBean(agentFacts(), net.zcc.agent.wire.ZccOption.VERSION),
                new DataPlaneStats(data), new ServicesBean(), new TrafficBean(data), new PeersBean(keys),
                queues.stats().stream().map(QueueStatsBean::new).toList())
                .registerIn(ManagementFactory.getPlatformMBeanServer());
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(data.connections()::sweep, 10, 10, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::writeStats, 1, 1, TimeUnit.SECONDS);
        if (keyServer != null) { // client certificates are short-lived (30 days): renew a third before expiry
            housekeeping.scheduleWithFixedDelay(this::renewCertificate, 1, 6 * 3600, TimeUnit.SECONDS);
        }
    }

    /** What zcc:type=Agent reports: the enrolled identity, or why there is none. */
    private AgentBean.Facts agentFacts() {
        if (identity == null) {
            return Files.isDirectory(settings.identity())
                    ? new AgentBean.Facts("", java.util.List.of(), "", "pending", Optional::empty, Optional::empty)
                    : new AgentBean.Facts("", java.util.List.of(), "", keys instanceof StaticKeySource
                            ? "manual-keys" : "not-enrolled", Optional::empty, Optional::empty);
        }
        java.util.List<String> addresses = identity.clientCertificate().map(AgentBean::ipAddresses)
                .orElse(java.util.List.of()); // the key server names them in the certificate (IP SANs)
        return new AgentBean.Facts(identity.keyId(), addresses, identity.server().toString(),
                keyServer == null ? "pending" : "reachable",
                () -> keyServer == null ? Optional.empty() : keyServer.reachable(),
                () -> hostTls != null ? Optional.of(hostTls.certificate()) : identity.clientCertificate());
    }

    /**
     * The management endpoints, once the configuration is in force (the push operation needs the
     * reloader). Off unless --management-listen is given; they need an enrolled, certified
     * identity (their TLS key and certificate); a failure is logged and the agent runs without them.
     */
    @Override
    public void manage(Reloader reloader) {
        beans.services.attach(reloader);
        ManagementSettings m = settings.management();
        if (m == null || m.listen() == null) {
            return;
        }
        try {
            if (identity == null || identity.clientCertificate().isEmpty()) {
                throw new IOException("no enrolled identity with a certificate in " + settings.identity()
                        + " (the endpoints' TLS key and certificate)");
            }
            hostTls = HostTls.of(identity);
            management = ManagementServer.start(new ManagementServer.Config(m.listen(), m.consolePolicy(),
                    m.monitorPolicy()), hostTls.serverContext(), beans.server(), () -> PrometheusText.render(beans));
            housekeeping.scheduleWithFixedDelay(this::refreshHostCertificate, 3600, 3600, TimeUnit.SECONDS);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "management endpoints not started: {0}", e.getMessage());
        }
    }

    private void refreshHostCertificate() {
        try {
            if (hostTls.refresh()) {
                LOG.log(Level.INFO, "management endpoints present the renewed certificate");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "host certificate refresh: {0}", e.getMessage());
        }
    }

    /**
     * An enrolled identity (with its client certificate) means the key server: Noise handshakes
     * over its relay. Otherwise the pre-shared key file. A missing key file is not fatal
     * (nothing can be protected yet); an unsafe one is.
     */
    private KeySource loadKeys() throws IOException {
        Optional<KeySource> enrolled = enrolledKeys();
        if (enrolled.isPresent()) {
            return enrolled.get();
        }
        try {
            // the loader refuses a missing file like an unsafe one; missing is the fresh host's case
            if (Files.notExists(settings.keyFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(settings.keyFile().toString());
            }
            StaticKeySource keys = StaticKeySource.load(settings.keyFile());
            LOG.log(Level.INFO, "keys: {0}", keys);
            return keys;
        } catch (NoSuchFileException e) {
            LOG.log(Level.WARNING, "no key file {0} and no enrolled identity in {1}: protected services are refused"
                    + " (require) or run in plaintext (opportunistic) until one exists and the agent restarts",
                    settings.keyFile(), settings.identity());
            return new KeySource() {
                @Override
                public Optional<SessionKey> current(java.net.InetAddress peer) {
                    return Optional.empty();
                }

                @Override
                public Optional<SessionKey> byId(java.net.InetAddress peer, int keyId) {
                    return Optional.empty();
                }
            };
        }
    }

    private Optional<KeySource> enrolledKeys() throws IOException {
        if (!Files.isDirectory(settings.identity())) {
            return Optional.empty();
        }
        if (!Files.exists(settings.identity().resolve("noise.key"))) {
            // An empty directory (made by a package or by hand) is not an enrollment.
            LOG.log(Level.WARNING, "identity directory {0} holds no host key: not enrolled (zcc enroll)", settings.identity());
            return Optional.empty();
        }
        AgentIdentity loaded = AgentIdentity.load(settings.identity());
        identity = loaded;
        if (loaded.clientCertificate().isEmpty()) {
            LOG.log(Level.WARNING, "identity {0} is enrolled but not approved yet (no certificate; run zcc enroll"
                    + " --finish): using the key file meanwhile", settings.identity());
            return Optional.empty();
        }
        keyServer = KeyServerClient.open(loaded);
        NoiseKeySource source = new NoiseKeySource(loaded.noiseKeyPair(), keyServer.peerDirectory(),
                keyServer.relayTransport(), NoiseKeySource.Settings.defaults(),
                new SecureRandomKeyPairSource(new SecureRandom()));
        source.start();
        noise = source;
        LOG.log(Level.INFO, "keys: relayed Noise handshakes via {0} as host {1}", loaded.server(), loaded.keyId());
        return Optional.of(source);
    }

    /** Renews the client certificate when due; the client logs a warning when expiry is near and renewal fails. */
    private void renewCertificate() {
        try {
            keyServer.renewIfDue();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "client certificate renewal: {0}", e.getMessage());
        }
    }

    @Override
    public void apply(ServiceFile services) {
        if (data != null) {
            data.apply(services);
        }
        if (noise != null && settings.prekey()) {
            noise.prepare(services.enabled().stream().map(net.zcc.servicefile.Service::host).distinct().toList());
        }
    }

    /**
     * The counters as key=value lines, replaced atomically: what {@code zcc stats} and tests read,
     * rendered from the same MXBeans that JMX, Jolokia and Prometheus read.
     */
    private void writeStats() {
        try {
            String sb = StatsText.render(beans);
            var file = settings.statsFile();
            var tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot write stats file {0}: {1}", settings.statsFile(), e.getMessage());
        }
    }

    @Override
    public String describe() {
        String q = queues == null ? "" : queues.stats().stream()
                .map(s -> "queue " + s.queueNumber() + " " + s.received() + " received")
                .collect(Collectors.joining(", "));
        return (data == null ? "not started" : data.counters().describe()) + "; " + q;
    }

    @Override
    public void close() {
        if (management != null) {
            management.close();
        }
        if (housekeeping != null) {
            housekeeping.shutdownNow();
        }
        if (queues != null) {
            queues.close();
        }
        if (data != null) {
            data.close();
            writeStats();
        }
        if (beans != null) {
            beans.close();
        }
        if (noise != null) {
            noise.close(); // wipes the session keys
        }
        if (keyServer != null) {
            keyServer.close();
        }
    }
}
