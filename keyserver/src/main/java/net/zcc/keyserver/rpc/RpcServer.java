package net.zcc.keyserver.rpc;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.zcc.contract.rpc.RpcMethods;
import org.apache.xmlrpc.server.PropertyHandlerMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key server's XML-RPC endpoint: Jetty with one TLS connector on one local address (127.0.0.1
 * unless given another), serving
 * {@link XmlRpcJakartaServlet} at {@value RpcMethods#PATH}.
 *
 * <p>A Jetty lifecycle bean: {@code start()} binds and serves, {@code stop()} or {@link #close()}
 * releases the port. There is no plain-HTTP connector on purpose: every method except enrollment
 * will require a client certificate, and enrollment carries a one-time token.
 */
public final class RpcServer extends ContainerLifeCycle implements AutoCloseable {

    /** The host of the constructors that take none (an IP literal: no name lookup). */
    static final String HOST = "127.0.0.1";
    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
    /** Idle TLS connections are dropped after this; the relay's long-polls will need their own timeout. */
    private static final long IDLE_TIMEOUT_MS = 30_000;

    private final InetAddress host;
    private final Server server;
    private final ServerConnector connector;
    private final ServletContextHandler context;
    private final ConnectionGuard guard;
    private final RequestGate gate;
    private final QoSHandler anonymousShare;
    /** Largest body per path prefix (servlets mounted later add theirs); any other path takes none. */
    private final Map<String, Integer> bodyLimits = new ConcurrentHashMap<>();
    private final int maxRpcBody;
    private final int maxAnonymousRpcBody;

    /**
     * Builds the server; nothing is bound until {@link #start()}.
     *
     * @param keyStore holds the server's private key and certificate chain
     * @param keyPassword the password of the private key entry
     * @param port the TCP port on 127.0.0.1, or 0 for an ephemeral one
     * @param limits request size and nesting limits
     * @param handlers the parts whose methods are served
     * @throws Exception if a handler cannot be registered
     */
    public RpcServer(KeyStore keyStore, String keyPassword, int port, RpcLimits limits, List<RpcHandlers> handlers)
            throws Exception {
        this(keyStore, keyPassword, port, limits, handlers, null);
    }

    /**
     * Builds the server, with client certificates from the fleet CA if {@code mtls} is not null.
     *
     * <p>With {@code mtls}, the connector trusts only {@link MutualTls#trustStore()} for client
     * certificates (a certificate from any other CA fails the handshake); it needs a client
     * certificate if the {@link MethodPolicy} has no anonymous method and wants one otherwise. Each
     * request's certificate is then checked by key id against the {@link MutualTls#revocation()}.
     *
     * @param mtls client-certificate settings, or null for server-only TLS
     * @throws Exception if a handler cannot be registered
     */
    public RpcServer(KeyStore keyStore, String keyPassword, int port, RpcLimits limits, List<RpcHandlers> handlers,
            MutualTls mtls) throws Exception {
        this(InetAddress.getByName(HOST), keyStore, keyPassword, port, limits, handlers, mtls);
    }

    /**
     * As {@link #RpcServer(KeyStore, String, int, RpcLimits, List, MutualTls)}, listening on
     * {@code host} (an IP address of this machine; the server certificate should name it).
     */
    public RpcServer(InetAddress host, KeyStore keyStore, String keyPassword, int port, RpcLimits limits,
            List<RpcHandlers> handlers, MutualTls mtls) throws Exception {
        this(host, keyStore, keyPassword, port, limits, ServerLimits.ONE_SOURCE, handlers, mtls);
    }

    /**
     * As {@link #RpcServer(InetAddress, KeyStore, String, int, RpcLimits, List, MutualTls)}, with
     * {@code serverLimits} on connections, request time, bodies and the anonymous share.
     *
     * <p>Handlers, outermost first: {@link RequestGate} (POST only, body bound per endpoint and read
     * asynchronously within a deadline) → Jetty's {@link QoSHandler} for requests without a client
     * certificate (a few at a time: the rest of the pool stays for hosts and admins) → the servlets.
     * On the connector: {@link ConnectionGuard} and Jetty's {@link NetworkConnectionLimit}.
     */
    public RpcServer(InetAddress host, KeyStore keyStore, String keyPassword, int port, RpcLimits limits,
            ServerLimits serverLimits, List<RpcHandlers> handlers, MutualTls mtls) throws Exception {
        this.host = java.util.Objects.requireNonNull(host, "host");
        SafeSaxParsers.install();
        // Few threads: calls are short, bodies are read asynchronously (RequestGate) and the relay's
        // long-polls are async, so no request holds a thread while it waits for the network.
        server = new Server(new QueuedThreadPool(32, 4));
        connector = tlsConnector(server, host, keyStore, keyPassword, port, mtls);
        server.addConnector(connector);
        guard = new ConnectionGuard(serverLimits, connector.getScheduler());
        connector.addBean(guard);
        server.addBean(new NetworkConnectionLimit(serverLimits.maxConnections(), connector));
        maxRpcBody = limits.maxRequestBytes();
        // Without mutual TLS nobody has a certificate: no anonymous share to keep apart (tests only).
        maxAnonymousRpcBody = mtls == null ? limits.maxRequestBytes()
                : Math.min(serverLimits.maxAnonymousBodyBytes(), limits.maxRequestBytes());
        context = context(mapping(handlers), limits, mtls);
        anonymousShare = new QoSHandler(context);
        anonymousShare.include(mtls == null ? r -> false : RequestGate::anonymous);
        anonymousShare.setMaxRequestCount(serverLimits.maxAnonymousRequests());
        anonymousShare.setMaxSuspendedRequestCount(serverLimits.maxAnonymousWaiting());
        anonymousShare.setMaxSuspend(serverLimits.anonymousWait());
        gate = new RequestGate(anonymousShare, this::bodyLimit, serverLimits.bodyDeadline());
        server.setHandler(gate);
        server.setErrorHandler(plainErrors());
        server.setStopAtShutdown(false);
        addBean(server);
    }

    /**
     * Lets requests under {@code pathPrefix} (a servlet mounted on {@link #servletContext()}) carry
     * a body of up to {@code maxBytes}; call before {@link #start()}. Paths not named take none.
     */
    public void limitBody(String pathPrefix, int maxBytes) {
        bodyLimits.put(pathPrefix, maxBytes);
    }

    private int bodyLimit(String path, boolean anonymous) {
        if (RpcMethods.PATH.equals(path)) {
            return anonymous ? maxAnonymousRpcBody : maxRpcBody;
        }
        for (var e : bodyLimits.entrySet()) {
            if (path != null && path.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return 0;
    }

    /** The Jetty thread pool (tests and benchmarks: busy and total threads). */
    public QueuedThreadPool threadPool() {
        return (QueuedThreadPool) server.getThreadPool();
    }

    /** The connection guard (tests: open and unauthenticated connection counts). */
    public ConnectionGuard connectionGuard() {
        return guard;
    }

    /** Error pages that name no exception, servlet or stack: a status line and nothing else. */
    private static ErrorHandler plainErrors() {
        return plain(new ErrorHandler());
    }

    private static <T extends ErrorHandler> T plain(T errors) {
        errors.setShowStacks(false);
        errors.setShowMessageInTitle(false);
        errors.setShowCauses(false);
        return errors;
    }

    /** Builds a server with the default limits and only the {@link Health} handler. */
    public static RpcServer withHealth(KeyStore keyStore, String keyPassword, int port) throws Exception {
        return new RpcServer(keyStore, keyPassword, port, RpcLimits.DEFAULT, List.of(RpcHandlers.HEALTH));
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        LOG.info("XML-RPC over TLS on {}", uri());
    }

    /**
     * The servlet context serving {@link RpcMethods#PATH}, so the key server can mount more servlets and
     * filters (the relay) on the same TLS connector. Add them before {@link #start()} only. A request
     * to such a servlet carries the verified client certificate chain in the
     * {@code jakarta.servlet.request.X509Certificate} attribute; it gets no revocation check from
     * this class (the mounter does its own).
     */
    public ServletContextHandler servletContext() {
        return context;
    }

    /** Returns the bound port; valid after {@link #start()}. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Returns {@code https://<host>:<port>/RPC2}; valid after {@link #start()}. */
    public URI uri() {
        return URI.create(baseUri() + RpcMethods.PATH);
    }

    /** Returns {@code https://<host>:<port>} (an IPv6 host in brackets); valid after {@link #start()}. */
    public URI baseUri() {
        String h = host.getHostAddress();
        if (host instanceof Inet6Address) {
            int scope = h.indexOf('%'); // a scope id has no place in a URI host
            h = "[" + (scope < 0 ? h : h.substring(0, scope)) + "]";
        }
        return URI.create("https://" + h + ":" + port());
    }

    /** Stops serving and releases the port; safe to call twice. */
    @Override
    public void close() throws Exception {
        stop();
    }

    private static ServerConnector tlsConnector(Server server, InetAddress host, KeyStore keyStore,
            String keyPassword, int port, MutualTls mtls) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyManagerPassword(keyPassword);
        if (mtls != null) {
            tls.setTrustStore(mtls.trustStore());
            if (mtls.policy().hasAnonymousMethods()) {
                tls.setWantClientAuth(true);
            } else {
                tls.setNeedClientAuth(true);
            }
        }
        // TLS 1.3 only: both ends are ours (Java 17), and every 1.3 suite is an AEAD with forward
        // secrecy; TLS 1.2 would also offer CBC suites (Lucky13-style padding oracles). See DESIGN.md 8.
        tls.setIncludeProtocols("TLSv1.3");
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.addCustomizer(new SecureRequestCustomizer());
        ServerConnector c = new ServerConnector(server,
                new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        c.setHost(host.getHostAddress());
        c.setPort(port);
        c.setIdleTimeout(IDLE_TIMEOUT_MS);
        return c;
    }

    private static PropertyHandlerMapping mapping(List<RpcHandlers> handlers) throws Exception {
        PropertyHandlerMapping mapping = new PropertyHandlerMapping();
        for (RpcHandlers h : handlers) {
            h.register(mapping);
        }
        return mapping;
    }

    private static ServletContextHandler context(PropertyHandlerMapping mapping, RpcLimits limits, MutualTls mtls) {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.setErrorHandler(plain(new org.eclipse.jetty.ee10.servlet.ErrorHandler()));
        ServletHolder holder = new ServletHolder(new XmlRpcJakartaServlet(mapping, limits, mtls));
        // Init at start, not at the first request, so the safe parser is in place before any parse.
        holder.setInitOrder(1);
        context.addServlet(holder, RpcMethods.PATH);
        return context;
    }
}
