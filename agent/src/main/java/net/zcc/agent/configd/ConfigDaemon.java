package net.zcc.agent.configd;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import net.zcc.agent.nfqueue.InheritedSignals;
import net.zcc.servicefile.Schemes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * zcc_configd: one per host. It owns the {@code inet zcc} table and the packet queues.
 *
 * <ol>
 *   <li>resets signals it inherited as ignored and handles SIGHUP from here on (a reload asked
 *       for during start-up runs after the first load);
 *   <li>names itself zcc_configd and logs every resolved setting once;
 *   <li>probes the kernel for the interception path (native queue or xtables mark);
 *   <li>binds the queues and starts the packet plane, so no protected packet finds no listener;
 *   <li>renders the service file and applies it in one nft transaction, then the fixed queue rules;
 *   <li>writes its pid file last (atomically) and reloads on every SIGHUP; a refused file changes
 *       nothing.
 * </ol>
 * On SIGTERM it stops the workers and removes the pid file but leaves the rules: with the agent
 * down, protected traffic stops (fail closed). {@code --uninstall} removes the rules.
 */
@Command(name = "zcc_configd", mixinStandardHelpOptions = true, version = "zcc_configd 0.1.0",
        description = "ZCC agent daemon: service file -> nftables rules, packet queues; SIGHUP reloads.")
public final class ConfigDaemon implements Callable<Integer> {
    private static final Logger LOG = System.getLogger("zcc.configd");

    @Option(names = {"-f", "--file"}, defaultValue = "/etc/zcc/services.xml", description = "service file (default: ${DEFAULT-VALUE})")
    Path file;

    @Option(names = "--pid-file", defaultValue = "/run/zcc/zcc_configd.pid", description = "pid file (default: ${DEFAULT-VALUE})")
    Path pidFile;

    @Option(names = "--first-queue", defaultValue = "0", description = "first NFQUEUE number (default: ${DEFAULT-VALUE})")
    int firstQueue;

    @Option(names = "--queues", defaultValue = "2", description = "number of queues and worker threads (default: ${DEFAULT-VALUE})")
    int queues;

    @Option(names = "--mark", defaultValue = "0x00100000", converter = HexLong.class,
            description = "the one mark bit ZCC owns in packet and conntrack marks (default: ${DEFAULT-VALUE})")
    long mark;

    @Option(names = "--conn-timeout", defaultValue = "604800",
            description = "seconds an idle inbound connection stays known after its service is switched off (default: ${DEFAULT-VALUE})")
    long connTimeoutSeconds;

    @Option(names = "--interception", defaultValue = "auto",
            description = "auto, native or xtables (default: ${DEFAULT-VALUE}: probe the kernel)")
    String interception;

    @Option(names = "--uninstall", description = "remove the inet zcc table and the queue rules, then exit")
    boolean uninstall;

    @Option(names = "--key-file", defaultValue = "/etc/zcc/keys",
            description = "pre-shared pairwise keys, mode 0600 (default: ${DEFAULT-VALUE})")
    Path keyFile;

    @Option(names = "--identity", defaultValue = "/etc/zcc/identity",
            description = "enrolled identity (zcc enroll): when it holds a client certificate, session keys come"
                    + " from Noise handshakes relayed by the key server instead of the key file (default: ${DEFAULT-VALUE})")
    Path identity;

    @Option(names = "--prekey", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "with the key server: run the handshake with every peer the service file names when the"
                    + " file is applied, so first connections need not wait for it (default: on; --no-prekey: on the"
                    + " first SYN only)")
    boolean prekey;

    @Option(names = "--max-staleness", defaultValue = "3600",
            description = "seconds: under policy require, refuse new connections to a peer the key server has not"
                    + " vouched for this long (it may have been revoked while unreachable) (default: ${DEFAULT-VALUE})")
    long maxStalenessSeconds;

    @Option(names = "--stats-file", description = "write the counters here every second (default: next to the pid file)")
    Path statsFile;

    @Option(names = "--state-dir", defaultValue = "/var/lib/zcc",
            description = "where the central service set pushed by the console is kept, so it survives a restart"
                    + " (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--management-listen", paramLabel = "ADDRESS:PORT",
            description = "serve the management endpoints (Jolokia for the console and monitoring, Prometheus) over"
                    + " HTTPS with client certificates from the fleet CA on this address; needs an enrolled identity"
                    + " (default: off). IPv6 as [ADDRESS]:PORT")
    String managementListen;

    @Option(names = "--jolokia-console-policy", paramLabel = "FILE",
            description = "Jolokia access policy of the console endpoint (/jolokia/console); without it that endpoint"
                    + " is not served. Example: docs/jolokia/console-policy.xml")
    Path consolePolicy;

    @Option(names = "--jolokia-monitor-policy", paramLabel = "FILE",
            description = "Jolokia access policy of the monitoring endpoint (/jolokia/monitor); without it that"
                    + " endpoint is not served. Example: docs/jolokia/monitor-policy.xml")
    Path monitorPolicy;

    /**
     * The management endpoints as configured: {@code listen} null means off. A Jolokia endpoint
     * whose policy file is null is not served.
     */
    public record ManagementSettings(java.net.InetSocketAddress listen, Path consolePolicy, Path monitorPolicy) {
        public static final ManagementSettings OFF = new ManagementSettings(null, null, null);
    }

    /** What the packet plane needs from the command line. */
    public record PlaneSettings(RuleOptions rules, Path keyFile, Path identity, boolean prekey, Path statsFile,
            Duration maxStaleness, ManagementSettings management) {
    }

    private final Function<PlaneSettings, PacketPlane> planeFactory;
    private final Firewall firewall;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public ConfigDaemon(Function<PlaneSettings, PacketPlane> planeFactory, Firewall firewall) {
        this.planeFactory = planeFactory;
        this.firewall = firewall;
    }

    /** Entry point used by the launcher, with the real firewall and the given packet plane. */
    public static int main(String[] args, Function<PlaneSettings, PacketPlane> planeFactory) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        return new CommandLine(new ConfigDaemon(planeFactory, new SystemFirewall())).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        RuleOptions options = new RuleOptions(firstQueue, queues, mark, Duration.ofSeconds(connTimeoutSeconds), path());
        if (uninstall) {
            firewall.uninstall(options);
            LOG.log(Level.INFO, "removed table inet zcc and the queue rules");
            return 0;
        }
        List<String> restored = InheritedSignals.restoreDefaults(List.of("HUP", "TERM", "INT"));
        if (!restored.isEmpty()) {
            LOG.log(Level.WARNING, "started with SIG{0} ignored (inherited from the parent process); reset to the"
                    + " default so that the handlers below take effect", String.join(", SIG", restored));
        }
        // SIGHUP is handled before anything can know our pid or name (pid file, comm): a reload
        // asked for during start-up runs after the first load instead of killing the JVM.
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> new Thread(r, "reload"));
        CompletableFuture<Reloader> started = new CompletableFuture<>();
        onSignal("HUP", () -> reloads.execute(() -> started.join().reload(Reloader.SIGHUP)));
        ProcessName.set(DaemonSignal.PROCESS_NAME);
        LOG.log(Level.INFO, "zcc_configd pid {0}: file {1}, pid file {2}, key file {3}, queues {4}-{5}, mark {6},"
                + " conn timeout {7} s, interception {8}, max staleness {9} s",
                ProcessHandle.current().pid(), file, pidFile, keyFile, options.firstQueue(), options.lastQueue(),
                options.markHex(), connTimeoutSeconds, options.interception(), maxStalenessSeconds);
        ManagementSettings management = management();
        LOG.log(Level.INFO, "state dir {0}; management {1}", stateDir, management.listen() == null ? "off"
                : "on " + management.listen() + ", console policy " + management.consolePolicy()
                        + ", monitor policy " + management.monitorPolicy());
        Path stats = statsFile != null ? statsFile : DaemonSignal.defaultStatsFile(pidFile);
        try (PacketPlane plane = planeFactory.apply(new PlaneSettings(options, keyFile, identity, prekey, stats,
                Duration.ofSeconds(maxStalenessSeconds), management))) {
            Reloader reloader = new Reloader(file, firewall, options, Schemes.BUILT_IN, plane::apply,
                    new CentralServices(stateDir));
            plane.start();
            Reloader.Outcome first = reloader.reload(Reloader.START);
            if (!first.applied()) {
                LOG.log(Level.ERROR, "no valid configuration to start with; exiting");
                started.completeExceptionally(new IllegalStateException("start-up failed"));
                reloads.shutdownNow();
                return 1;
            }
            started.complete(reloader); // SIGHUPs that came during start-up reload now
            firewall.installQueueRules(options);
            // TERM and INT are handled here rather than in a shutdown hook: the JDK's logging
            // shuts down in its own hook, and the last log line (the counters) must not be lost.
            onSignal("TERM", () -> shutdown(plane, reloads));
            onSignal("INT", () -> shutdown(plane, reloads));
            plane.manage(reloader); // the management endpoints start once the configuration is in force
            writePidFile(); // last: whoever reads it may signal us at once
            LOG.log(Level.INFO, "running; SIGHUP reloads {0}", file);
            stopped.await();
        }
        return 0;
    }

    private ManagementSettings management() {
        if (managementListen == null) {
            return ManagementSettings.OFF;
        }
        int colon = managementListen.lastIndexOf(':');
        try {
            String host = managementListen.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(managementListen.substring(colon + 1));
            // One literal address (no DNS, no wildcard): the endpoints listen where the operator says.
            return new ManagementSettings(new java.net.InetSocketAddress(net.zcc.contract.net.IpLiteral.parse(host),
                    port), consolePolicy, monitorPolicy);
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--management-listen must be ADDRESS:PORT with an IP literal, not " + managementListen);
        }
    }

    private Interception path() throws IOException {
        return switch (interception) {
            case "native" -> Interception.NATIVE;
            case "xtables" -> Interception.XTABLES_MARK;
            case "auto" -> {
                Interception p = firewall.probe();
                LOG.log(Level.INFO, "kernel probe: {0}", p == Interception.NATIVE
                        ? "native nftables queue expression available"
                        : "no native nftables queue expression; queueing through iptables-nft NFQUEUE by mark");
                yield p;
            }
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--interception must be auto, native or xtables, not " + interception);
        };
    }

    /** Written whole or not at all (a reader never sees an empty or partial pid). */
    private void writePidFile() throws IOException {
        Path dir = pidFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(pidFile.getFileName() + ".tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    private void shutdown(PacketPlane plane, ExecutorService reloads) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.INFO, "stopping: {0}; rules stay in place, protected traffic stops until restart", plane.describe());
        reloads.shutdownNow();
        plane.close();
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove pid file {0}: {1}", pidFile, e.getMessage());
        }
        stopped.countDown();
    }

    /** Signals through the JDK's signal API (jdk.unsupported); handlers run on their own thread. */
    private static void onSignal(String name, Runnable action) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
    }

    /** Accepts 0x-prefixed hexadecimal or decimal. */
    static final class HexLong implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String v) {
            return v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        }
    }
}
