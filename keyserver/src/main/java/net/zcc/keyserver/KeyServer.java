package net.zcc.keyserver;

import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.net.URI;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.relay.RelayWire;
import net.zcc.keyserver.admin.AdminsFile;
import net.zcc.keyserver.admin.PublicCaFile;
import net.zcc.keyserver.api.ApiContext;
import net.zcc.keyserver.api.ApiHandlers;
import net.zcc.keyserver.api.Audit;
import net.zcc.keyserver.api.EnrollmentGuard;
import net.zcc.keyserver.api.RevocationListener;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.api.HostAccess;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.relay.Relay;
import net.zcc.keyserver.relay.RelayPollServlet;
import net.zcc.keyserver.relay.RelaySendServlet;
import net.zcc.keyserver.rpc.MutualTls;
import net.zcc.keyserver.rpc.RpcHandlers;
import net.zcc.keyserver.rpc.RpcServer;
import net.zcc.keyserver.store.EnrollmentTokens;
import net.zcc.keyserver.store.HostDirectory;
import net.zcc.keyserver.store.KeyStoreDatabase;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key server, wired: Derby store, fleet CA, server TLS identity, XML-RPC with mutual TLS
 * ({@code Enroll.*} anonymous, everything else needs a fleet client certificate whose host is
 * APPROVED, {@code Admin.*} an admin key id), the relay at {@value RelayWire#POLL_PATH} and
 * {@value RelayWire#SEND_PATH}/&lt;key id&gt;, and a periodic sweep (relay expiry, spent enrollment tokens).
 * {@code Admin.revoke} ends the host's waiting relay poll (403) and drops its mailbox at once.
 *
 * <p>{@link #start()} starts the parts in that order; {@link #stop()} stops them in reverse
 * (also after a failed start, for whatever had started). Not restartable: make a new one.
 */
public final class KeyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyServer.class);
    /** The fleet CA certificate (public), written into the home at every start. */
    public static final String PUBLIC_CA_FILE = PublicCaFile.NAME;
    private static final String SERVER_ALIAS = "keyserver";
    private static final Duration SERVER_CERT_VALIDITY = Duration.ofDays(30);

    private final KeyServerConfig config;
    private KeyStoreDatabase db;
    private FleetCa ca;
    private HostAccess access;
    private ApiContext api;
    private Relay relay;
    private EnrollmentTokens tokens;
    private HostDirectory hosts;
    private EnrollmentGuard enrollment;
    private RpcServer rpc;
    private ScheduledExecutorService sweeper;
    private boolean started;

    /** A key server with {@code config}; nothing happens until {@link #start()}. */
    public KeyServer(KeyServerConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    /** Opens the store and the CA, makes the TLS identity, serves, and starts the sweep. */
    public synchronized void start() throws Exception {
        if (started) {
            throw new IllegalStateException("a KeyServer starts once");
        }
        started = true;
        try {
            db = KeyStoreDatabase.open(config.home(), config.dbUser(), config.dbPassword());
            ca = FleetCa.openOrCreate(config.caDirectory(), config.clock());
            publishCaCertificate();
            char[] tlsPassword = randomPassword();
            List<InetAddress> sans = new ArrayList<>();
            sans.add(config.bind()); // clients dial this address and verify it against the certificate
            for (InetAddress a : config.serverAddresses()) {
                if (!sans.contains(a)) {
                    sans.add(a);
                }
            }
            KeyStore serverKeys = ca.newServerKeyStore(SERVER_ALIAS, tlsPassword, sans, List.of(),
                    SERVER_CERT_VALIDITY);
            HostDirectory hosts = new HostDirectory(db);
            AdminSet admins = AdminSet.open(config.admins(), AdminsFile.in(config.home()), config.revocationCacheTtl());
            access = new HostAccess(hosts, admins, config.revocationCacheTtl());
            relay = new Relay(config.relayLimits());
            tokens = new EnrollmentTokens(db);
            this.hosts = hosts;
            enrollment = new EnrollmentGuard(config.enrollmentLimits());
            api = new ApiContext(hosts, tokens, ca, access, relayListener(), config.clock(),
                    config.clientCertificateValidity(), enrollment, new HashSet<>(sans));
            MutualTls mtls = new MutualTls(ca.trustStore(), access.hostsAndAdmins(), ApiHandlers.POLICY);
            rpc = new RpcServer(config.bind(), serverKeys, new String(tlsPassword), config.port(), config.rpcLimits(),
                    config.serverLimits(), List.of(RpcHandlers.HEALTH, ApiHandlers.of(api,
                    new KeyServerBackup(db, config.home(), config.caDirectory(), config.clock())::create)), mtls);
            mountRelay(rpc, new RelayAccess(access.hostsOnly()));
            trustHostAddresses();
            rpc.start();
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "keyserver-sweep");
                t.setDaemon(true);
                return t;
            });
            long every = config.sweepInterval().toMillis();
            sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
            LOG.info("key server serving on {} (relay at {}, {})", rpc.uri(), RelayWire.POLL_PATH, RelayWire.SEND_PATH);
        } catch (Exception | Error e) {
            try {
                stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Hands the connection guard the addresses of approved hosts (at start and every sweep). */
    private void trustHostAddresses() {
        try {
            rpc.connectionGuard().trustHostAddresses(hosts.hosts().stream()
                    .filter(h -> h.state() == net.zcc.keyserver.store.HostState.APPROVED)
                    .flatMap(h -> h.addresses().stream()).toList());
        } catch (RuntimeException e) {
            LOG.warn("cannot refresh the approved hosts' addresses: {}", e.toString());
        }
    }

    /**
     * Writes the fleet CA certificate to {@code <home>/}{@value #PUBLIC_CA_FILE} (public content) at every
     * start: the public trust anchor an administrator hands to hosts ({@code zcc enroll --ca-cert}).
     */
    private void publishCaCertificate() throws java.io.IOException {
        PublicCaFile.write(config.home(), ca.certificate());
    }

    /** The relay ends a revoked host's poll and mailbox for good, a deleted host's for now. */
    private RevocationListener relayListener() {
        return new RevocationListener() {
            @Override
            public void revoked(KeyId host) {
                relay.evict(host);
            }

            @Override
            public void deleted(KeyId host) {
                relay.forget(host);
            }
        };
    }

    private void mountRelay(RpcServer server, RelayAccess relayAccess) {
        ServletContextHandler context = server.servletContext();
        server.limitBody(RelayWire.SEND_PATH + "/", RelayWire.SENDER_KEY_BYTES + config.relayLimits().maxMessageBytes());
        FilterHolder filter = new FilterHolder(relayAccess);
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/relay/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder poll = new ServletHolder(
                new RelayPollServlet(relay, relayAccess, config.clock(), config.pollTimeout()));
        poll.setAsyncSupported(true);
        context.addServlet(poll, RelayWire.POLL_PATH);
        context.addServlet(new ServletHolder(new RelaySendServlet(relay, relayAccess, config.clock(),
                access::isApprovedHost)), RelayWire.SEND_PATH + "/*");
    }

    /**
     * One pass of the periodic sweep (every {@code sweepInterval}): expired relay messages are
     * dropped and wiped, and enrollment tokens that can no longer enroll anyone (expired or used)
     * are deleted, so the token table holds only live credentials. Each part fails on its own.
     */
    void sweep() {
        Instant now = config.clock().instant();
        try {
            relay.sweep(now);
        } catch (RuntimeException e) {
            LOG.warn("relay sweep failed: {}", e.toString());
        }
        try {
            for (KeyId expired : hosts.deletePendingBefore(now.minus(config.pendingLifetime()))) {
                access.invalidate(expired);
                Audit.expired(expired, config.pendingLifetime());
            }
        } catch (RuntimeException e) {
            LOG.warn("pending request purge failed: {}", e.toString());
        }
        enrollment.flushLog();
        rpc.connectionGuard().flushLog();
        trustHostAddresses();
        try {
            int purged = tokens.purgeUnusable(now);
            if (purged > 0) {
                LOG.debug("sweep: deleted {} expired or used enrollment tokens", purged);
            }
        } catch (RuntimeException e) {
            LOG.warn("token purge failed: {}", e.toString());
        }
    }

    /** Stops the sweep, the server, and closes the store, in that order. Safe to call twice. */
    public synchronized void stop() throws Exception {
        Exception failure = null;
        if (sweeper != null) {
            sweeper.shutdownNow();
            sweeper = null;
        }
        if (rpc != null) {
            try {
                rpc.close();
            } catch (Exception e) {
                failure = e;
            }
            rpc = null;
        }
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            db = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /** {@code https://<bind address>:<port>/RPC2}; valid while started. */
    public URI rpcUri() {
        return rpc.uri();
    }

    /** {@code https://<bind address>:<port>}; valid while started. */
    public URI baseUri() {
        return rpc.baseUri();
    }

    /** The fleet CA (the console issues admin certificates with it); valid after start. */
    public FleetCa fleetCa() {
        return ca;
    }

    /** The Jetty thread pool (tests, benchmarks); valid after start. */
    public org.eclipse.jetty.util.thread.QueuedThreadPool threadPool() {
        return rpc.threadPool();
    }

    /** The connection guard (tests: open and unauthenticated connections); valid after start. */
    public net.zcc.keyserver.rpc.ConnectionGuard connectionGuard() {
        return rpc.connectionGuard();
    }

    /** Hosts with a relay mailbox or waiting poll (tests: made-up ids take none); valid after start. */
    public int relayMailboxes() {
        return relay.mailboxes();
    }

    /** The relay (for tests: waiting polls, pending messages); valid after start. */
    Relay relay() {
        return relay;
    }

    /** The handlers' context, for in-process callers such as the console; valid after start. */
    public ApiContext api() {
        return api;
    }

    private static char[] randomPassword() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().withoutPadding().encodeToString(b).toCharArray();
    }
}
