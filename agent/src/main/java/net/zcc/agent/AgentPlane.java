package net.zcc.agent;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import net.zcc.agent.configd.ConfigDaemon.PlaneSettings;
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

    AgentPlane(PlaneSettings settings) {
        this.settings = settings;
    }

    @Override
    public void start() throws IOException {
        data = new DataPlane(loadKeys(), System::nanoTime, new CachedRouteMtu(),
                (int) settings.rules().reflectMark());
        data.maxStaleness(settings.maxStaleness());
        queues = QueueSet.netlink(settings.rules().firstQueue(), settings.rules().queueCount(),
                NetlinkPacketQueue.Config.defaults(), data);
        queues.start();
        registerMBeans();
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
        AgentIdentity identity = AgentIdentity.load(settings.identity());
        if (identity.clientCertificate().isEmpty()) {
            LOG.log(Level.WARNING, "identity {0} is enrolled but not approved yet (no certificate; run zcc enroll"
                    + " --finish): using the key file meanwhile", settings.identity());
            return Optional.empty();
        }
        keyServer = KeyServerClient.open(identity);
        NoiseKeySource source = new NoiseKeySource(identity.noiseKeyPair(), keyServer.peerDirectory(),
                keyServer.relayTransport(), NoiseKeySource.Settings.defaults(), Clock.systemUTC(),
                new SecureRandomKeyPairSource(new SecureRandom()));
        source.start();
        noise = source;
        LOG.log(Level.INFO, "keys: relayed Noise handshakes via {0} as host {1}", identity.server(), identity.keyId());
        return Optional.of(source);
    }

    private void registerMBeans() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(new DataPlaneStats(data), new ObjectName(net.zcc.jmx.DataPlaneMXBean.OBJECT_NAME));
            for (var q : queues.stats()) {
                server.registerMBean(new QueueStatsBean(q),
                        new ObjectName(net.zcc.jmx.QueueMXBean.OBJECT_NAME_PREFIX + q.queueNumber()));
            }
        } catch (javax.management.JMException e) {
            LOG.log(Level.WARNING, "cannot register the agent''s MXBeans: {0}", e.getMessage());
        }
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

    /** The counters as key=value lines, replaced atomically: what {@code zcc stats} and tests read. */
    private void writeStats() {
        try {
            StringBuilder sb = new StringBuilder(DataPlaneStats.asProperties(data));
            if (noise != null) {
                sb.append("revoked_peers=").append(noise.revokedPeers()).append('\n');
                sb.append("sessions=").append(noise.sessions()).append('\n');
            }
            queues.stats().forEach(q -> sb.append("queue.").append(q.queueNumber()).append(".received=")
                    .append(q.received()).append('\n').append("queue.").append(q.queueNumber())
                    .append(".malformed=").append(q.malformed()).append('\n'));
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
        if (noise != null) {
            noise.close(); // wipes the session keys
        }
        if (keyServer != null) {
            keyServer.close();
        }
    }
}
