package net.zcc.agent.management;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jolokia.jvmagent.JolokiaServer;
import org.jolokia.jvmagent.JolokiaServerConfig;
import org.jolokia.server.core.config.SystemPropertyMode;

/**
 * The agent's management endpoints: one HTTPS port, client certificates from the fleet CA
 * required at the TLS handshake (no certificate, or another CA's: no connection at all), and three
 * paths, each for a role ({@link Role}) named in the certificate's subject:
 *
 * <pre>
 *  /jolokia/console   Jolokia for the console (OU=zcc-console): read zcc:* and java.lang:*, exec push
 *  /jolokia/monitor   Jolokia for monitoring (OU=zcc-monitor): read zcc:* and java.lang:*
 *  /metrics           Prometheus text 0.0.4 (OU=zcc-monitor or OU=zcc-console)
 * </pre>
 *
 * Why two Jolokia endpoints rather than one: Jolokia's access checks (the restrictor) never see
 * who is asking, so a per-identity policy would need a thread-local handed from the authenticator
 * to the restrictor. Two endpoints, each with Jolokia's own client-certificate check on one role
 * and its own restrictor and policy file, keep each decision in one documented place.
 *
 * <p>Why our own HttpsServer rather than Jolokia's HTTPS options: the host key stays in memory
 * (no copy of it in a file for Jolokia), a renewed certificate is used without a restart
 * ({@link net.zcc.agent.remote.HostTls}), the fleet CA is the only trust anchor, and all paths share
 * one port and one TLS configuration (TLS 1.3 and 1.2, client certificate needed).
 *
 * <p>A Jolokia endpoint needs its policy file; without one it is not served, and the log says
 * why. Jolokia's unauthenticated {@code /config} side path is removed.
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = System.getLogger("zcc.management");
    public static final String CONSOLE_PATH = "/jolokia/console";
    public static final String MONITOR_PATH = "/jolokia/monitor";
    public static final String METRICS_PATH = "/metrics";

    /** Where to listen and the two policy files (null: that endpoint is not served). */
    public record Config(InetSocketAddress listen, Path consolePolicy, Path monitorPolicy) {
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final List<JolokiaServer> jolokias = new ArrayList<>();
    private final List<String> served = new ArrayList<>();

    private ManagementServer(HttpsServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the endpoints.
     *
     * @param beans the MBean server the agent's beans are registered in (the platform one for a
     *     real agent)
     * @param metrics renders the Prometheus text
     */
    public static ManagementServer start(Config config, SSLContext tls, MBeanServer beans, Supplier<String> metrics)
            throws IOException {
        HttpsServer https = HttpsServer.create(config.listen(), 32);
        https.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setNeedClientAuth(true); // no certificate, no connection
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(p);
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "zcc-management");
            t.setDaemon(true);
            return t;
        });
        https.setExecutor(executor);
        ManagementServer m = new ManagementServer(https, executor);
        try {
            m.jolokia(CONSOLE_PATH, config.consolePolicy(), Role.CONSOLE, ZccRestrictor.Console.class, beans);
            m.jolokia(MONITOR_PATH, config.monitorPolicy(), Role.MONITOR, ZccRestrictor.Monitor.class, beans);
            HttpContext c = https.createContext(METRICS_PATH, exchange -> metrics(exchange, metrics));
            c.setAuthenticator(new RoleAuthenticator(EnumSet.of(Role.MONITOR, Role.CONSOLE)));
            m.served.add(METRICS_PATH);
        } catch (RuntimeException e) {
            m.close();
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause(); // Jolokia wraps the restrictor's reason (policy file) in reflection errors
            }
            throw new IOException("management endpoints not started: " + root.getMessage(), e);
        }
        https.start();
        LOG.log(Level.INFO, "management endpoints on https://{0}: {1}", m.authority(), String.join(", ", m.served));
        return m;
    }

    private void jolokia(String path, Path policy, Role role, Class<? extends ZccRestrictor> restrictor,
            MBeanServer beans) throws IOException {
        if (policy == null) {
            LOG.log(Level.WARNING, "Jolokia {0} not served: no access policy file given (--jolokia-{1}-policy);"
                    + " without an explicit policy the agent serves no Jolokia", path, role == Role.CONSOLE
                    ? "console" : "monitor");
            return;
        }
        if (!Files.isRegularFile(policy) || !Files.isReadable(policy)) {
            throw new IOException("Jolokia policy file " + policy + " is not a readable file");
        }
        Map<String, String> c = new HashMap<>();
        c.put("agentContext", path);
        c.put("protocol", "https");
        c.put("restrictorClass", restrictor.getName());
        c.put("policyLocation", policy.toAbsolutePath().toUri().toString());
        c.put("useSslClientAuthentication", "true");
        c.put("clientPrincipal", role.principal());
        c.put("extendedClientCheck", "true"); // EKU clientAuth
        c.put("discoveryEnabled", "false");
        c.put("allowErrorDetails", "false"); // no stack traces or exception texts to clients
        c.put("includeStackTrace", "false");
        c.put("historyMaxEntries", "0");
        c.put("debug", "false");
        EndpointConfig config = new EndpointConfig(c);
        if (config.getAuthenticator() == null) {
            throw new IllegalStateException("Jolokia built no client-certificate check for " + path);
        }
        JolokiaServer j = new JolokiaServer(server, config, new JolokiaLog());
        // The beans' MBean server for this endpoint, if not the platform one (OwnMBeanServerDetector).
        OwnMBeanServerDetector.STARTING.set(beans == ManagementFactory.getPlatformMBeanServer() ? null : beans);
        try {
            j.start();
        } finally {
            OwnMBeanServerDetector.STARTING.remove();
        }
        server.removeContext(path + "/config"); // Jolokia serves it without authentication
        jolokias.add(j);
        served.add(path + " (" + role.principal() + ", policy " + policy + ")");
    }

    /** The Prometheus scrape: GET only. */
    private static void metrics(HttpExchange exchange, Supplier<String> metrics) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** host:port as bound (IPv6 in brackets). */
    public String authority() {
        InetSocketAddress a = server.getAddress();
        String host = net.zcc.contract.net.IpLiteral.format(a.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    public URI url(String path) {
        return URI.create("https://" + authority() + path);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        for (JolokiaServer j : jolokias) {
            try {
                j.stop();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "stopping Jolokia: {0}", e.toString());
            }
        }
        server.stop(0);
        executor.shutdownNow();
    }

    /** Jolokia's server options, never from system properties or JOLOKIA_* environment variables. */
    private static final class EndpointConfig extends JolokiaServerConfig {
        EndpointConfig(Map<String, String> options) {
            super(options, SystemPropertyMode.NEVER);
            initAuthenticator(); // Jolokia does this only when it creates its own server
        }
    }

    /** Admits a verified client certificate that holds one of the roles (the Prometheus path). */
    static final class RoleAuthenticator extends Authenticator {
        private final Set<Role> roles;

        RoleAuthenticator(Set<Role> roles) {
            this.roles = Set.copyOf(roles);
        }

        @Override
        public Result authenticate(HttpExchange exchange) {
            if (!(exchange instanceof HttpsExchange https)) {
                return new Failure(403);
            }
            try {
                X509Certificate cert = (X509Certificate) https.getSSLSession().getPeerCertificates()[0];
                List<String> eku = cert.getExtendedKeyUsage();
                if (eku == null || !eku.contains("1.3.6.1.5.5.7.3.2")) {
                    return new Failure(403);
                }
                for (Role r : roles) {
                    if (r.holds(cert)) {
                        return new Success(new HttpPrincipal(cert.getSubjectX500Principal().getName(), r.unit()));
                    }
                }
                return new Failure(403);
            } catch (SSLPeerUnverifiedException | java.security.cert.CertificateParsingException e) {
                return new Failure(401);
            }
        }
    }

    /** Jolokia's log lines into the agent's log (it would print to stdout otherwise). */
    private static final class JolokiaLog implements org.jolokia.core.api.LogHandler {
        private static final Logger JLOG = System.getLogger("zcc.management.jolokia");

        @Override
        public void debug(String message) {
            JLOG.log(Level.DEBUG, message);
        }

        @Override
        public void info(String message) {
            JLOG.log(Level.DEBUG, message); // Jolokia's start-up chatter; ours says what matters
        }

        @Override
        public void error(String message, Throwable t) {
            JLOG.log(Level.WARNING, message + (t == null ? "" : ": " + t));
        }

        @Override
        public boolean isDebug() {
            return false;
        }
    }
}
