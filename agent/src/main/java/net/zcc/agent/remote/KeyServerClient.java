package net.zcc.agent.remote;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import net.zcc.agent.keys.PeerDirectory;
import net.zcc.agent.keys.RelayTransport;
import net.zcc.contract.CertificateRenewal;
import net.zcc.contract.rpc.RpcMethods;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;

/**
 * The agent's connection to the key server: XML-RPC and the relay over one HTTPS client that
 * trusts only the fleet CA, presents the host's client certificate and uses no proxy (the key
 * server is reached directly, whatever {@code https.proxyHost} says).
 *
 * <pre>
 * KeyServerClient ks = KeyServerClient.open(AgentIdentity.load(dir));
 * PeerDirectory directory = ks.peerDirectory();   // Keys.lookup(address, "x25519")
 * RelayTransport relay = ks.relayTransport();     // /relay/send, /relay/poll
 * ks.renewIfDue();                                 // every few hours: see below
 * ...
 * ks.close();                                      // stops the relay's poll thread
 * </pre>
 *
 * <p>Certificate renewal: client certificates are short-lived (30 days by default) and this
 * client does not renew on its own. {@link #renewIfDue()}, called by the agent's housekeeping
 * every few hours, renews the certificate once less than a third of its lifetime is left (10 days
 * of 30) through {@code Enroll.certificate} with the same TLS key, over mutual TLS with the current
 * certificate (the key server issues a new one only to the certificate's holder, and only inside
 * that window; otherwise it returns the current one), saves it in the identity directory and
 * presents it from the next new TLS connection on, without a restart.
 *
 * <p>Hardening against a hostile or impersonated server (CVE-2019-17570): extensions off, responses
 * read by the contract's {@link net.zcc.contract.rpc.MethodResponseReader} (the specification's value
 * types only, faults as code and text only, DOCTYPE refused), bounded in size and time
 * ({@link Bounded}). Call {@link SerialFilter#denyAll()} at process start as well. Thread-safe.
 */
public final class KeyServerClient implements AutoCloseable {

    /** How long a TCP + TLS connect may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long one XML-RPC call or relay send may take in all, body included. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a relay long-poll may take in all, body included: the server answers within its
     * poll timeout (at most 25 s), plus a margin.
     */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(40);
    /** Renewal is due once less than 1/{@value} of the certificate's lifetime is left (the contract's rule). */
    static final int RENEW_IN_LAST = CertificateRenewal.RENEW_IN_LAST;
    /** A failed renewal is logged as a WARNING once the certificate expires within this. */
    static final Duration WARN_WITHIN = Duration.ofDays(3);
    /** ... at most once per this. */
    static final Duration WARN_EVERY = Duration.ofDays(1);
    private static final System.Logger LOG = System.getLogger(KeyServerClient.class.getName());

    private final URI server;
    private final SSLContext tls;
    private final HttpClient http;
    private final XmlRpcClient rpc;
    private final Clock clock;
    /** Null for an anonymous client. */
    private final TlsContexts.ClientKeyManager keys;
    private volatile AgentIdentity identity;
    private final DirectoryClient directory;
    private final RelayClient relay;
    /** When the last near-expiry warning was logged; guarded by this. */
    private Instant lastExpiryWarning;

    private KeyServerClient(AgentIdentity identity, TlsContexts.ClientKeyManager keys, Clock clock,
            Duration requestTimeout, Duration pollTimeout) throws IOException {
        this.identity = identity;
        this.server = identity.server();
        this.keys = keys;
        this.clock = Objects.requireNonNull(clock);
        this.tls = TlsContexts.of(identity.fleetCa(), keys);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.rpc = xmlRpc(http, server.resolve(RpcMethods.PATH), requestTimeout);
        this.directory = new DirectoryClient(this);
        this.relay = new RelayClient(http, server, identity.staticKey(), requestTimeout, pollTimeout);
    }

    /**
     * A client for an enrolled host: presents the identity's client certificate.
     *
     * @throws IOException if the identity has no client certificate yet, or TLS cannot be set up
     */
    public static KeyServerClient open(AgentIdentity identity) throws IOException {
        return open(identity, Clock.systemUTC());
    }

    /** As {@link #open(AgentIdentity)}, with {@code clock} deciding when renewal is due (tests). */
    static KeyServerClient open(AgentIdentity identity, Clock clock) throws IOException {
        return new KeyServerClient(identity, TlsContexts.clientKeys(identity, clock), clock, REQUEST_TIMEOUT,
                POLL_TIMEOUT);
    }

    /** A client without a certificate, for the anonymous {@code Enroll.*} calls. */
    static KeyServerClient anonymous(AgentIdentity identity) throws IOException {
        return anonymous(identity, REQUEST_TIMEOUT, POLL_TIMEOUT);
    }

    /** As {@link #anonymous(AgentIdentity)} with other deadlines (tests). */
    static KeyServerClient anonymous(AgentIdentity identity, Duration requestTimeout, Duration pollTimeout)
            throws IOException {
        return new KeyServerClient(identity, null, Clock.systemUTC(), requestTimeout, pollTimeout);
    }

    /** Address to static key, from {@code Keys.lookup(address, "x25519")}. */
    public PeerDirectory peerDirectory() {
        return directory;
    }

    /** The handshake relay; start it once (NoiseKeySource does). */
    public RelayTransport relayTransport() {
        return relay;
    }

    /** The identity this client speaks for, with its current client certificate. */
    public AgentIdentity identity() {
        return identity;
    }

    /**
     * Renews the client certificate if due: once less than a third of its lifetime is left (10 days
     * of the default 30), asks {@code Enroll.certificate} for a new one for the same key id and TLS
     * key, checks it (signed by the fleet CA, valid now, this key id, this TLS public key, expiring
     * no earlier than the current one), saves it atomically as {@code client.cert.pem} and presents
     * it from the next new TLS connection on; connections already open keep the one they
     * authenticated with. Does nothing (and no network call) while not due. Meant to be called
     * every few hours; safe from any thread.
     *
     * <p>A failure is thrown; once the certificate expires within 3 days (or has
     * expired) it is also logged as a WARNING, at most once a day, so the caller may log it at a low
     * level only. An expired certificate is no longer offered in handshakes, and the key server
     * renews only for the holder of a valid one: a host whose certificate expired is deleted by an
     * administrator ({@code zcc-keyserver admin delete-host}) and enrolls again.
     *
     * @return true if a new certificate is now in use, false if renewal was not due (here or at the
     *     key server)
     * @throws KeyServerFault if the key server refused (host revoked or not approved, TLS key changed)
     * @throws IOException if there was no usable answer, the certificate is not acceptable, or it
     *     cannot be saved
     * @throws IllegalStateException on an anonymous client
     */
    public synchronized boolean renewIfDue() throws IOException {
        if (keys == null) {
            throw new IllegalStateException("an anonymous client has no certificate to renew");
        }
        X509Certificate cert = keys.current();
        Instant now = clock.instant();
        if (!renewalDue(cert, now)) {
            return false;
        }
        try {
            X509Certificate fresh = fetchCertificate(now);
            if (fresh.getSerialNumber().equals(cert.getSerialNumber())) {
                // The key server judged renewal not due yet (its clock decides) and returned the
                // current certificate: nothing to do until a later call.
                return false;
            }
            if (fresh.getNotAfter().before(cert.getNotAfter())) {
                throw new IOException("the renewed certificate expires before the current one ("
                        + fresh.getNotAfter().toInstant() + " < " + cert.getNotAfter().toInstant() + ")");
            }
            AgentIdentity renewed = identity.withClientCertificate(fresh); // written atomically, fsynced
            keys.replace(fresh);
            TlsContexts.forgetSessions(tls); // no resumed session keeps presenting the old one
            identity = renewed;
            lastExpiryWarning = null;
            LOG.log(System.Logger.Level.INFO, "renewed the client certificate of " + renewed.keyId() + ": valid until "
                    + fresh.getNotAfter().toInstant() + " (was " + cert.getNotAfter().toInstant() + ")");
            return true;
        } catch (IOException | RuntimeException e) {
            warnIfNearExpiry(cert, now, e);
            throw e;
        }
    }

    /** True once less than 1/RENEW_IN_LAST of the certificate's lifetime is left at {@code now}. */
    static boolean renewalDue(X509Certificate cert, Instant now) {
        return CertificateRenewal.isDue(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), now);
    }

    /** The certificate new TLS connections present (tests). */
    X509Certificate presentedCertificate() {
        return keys == null ? null : keys.current();
    }

    /** The HTTP client (tests). */
    HttpClient httpClient() {
        return http;
    }

    /** The key manager (tests). */
    TlsContexts.ClientKeyManager keyManager() {
        return keys;
    }

    /** When a near-expiry warning was last logged, null if none since the last renewal (tests). */
    synchronized Instant lastExpiryWarning() {
        return lastExpiryWarning;
    }

    private X509Certificate fetchCertificate(Instant now) throws IOException {
        AgentIdentity id = identity;
        Object answer = call(RpcMethods.ENROLL_CERTIFICATE, id.keyId(),
                Base64.getEncoder().encodeToString(id.tlsPublicKey().getEncoded()));
        X509Certificate fresh = Enrollment.certificateIn(answer);
        Enrollment.check(id, fresh, now);
        return fresh;
    }

    private void warnIfNearExpiry(X509Certificate cert, Instant now, Exception failure) {
        Instant notAfter = cert.getNotAfter().toInstant();
        if (Duration.between(now, notAfter).compareTo(WARN_WITHIN) > 0) {
            return;
        }
        if (lastExpiryWarning != null && Duration.between(lastExpiryWarning, now).compareTo(WARN_EVERY) < 0) {
            return;
        }
        lastExpiryWarning = now;
        String when = now.isBefore(notAfter) ? "expires at " + notAfter : "EXPIRED at " + notAfter;
        LOG.log(System.Logger.Level.WARNING, "the client certificate of " + identity.keyId() + " " + when
                + " and cannot be renewed: " + failure.getMessage()
                + "; once it has expired, lookups and the relay fail and no new pairs form"
                + " (is the host still approved? else enroll again)");
    }

    /**
     * Calls {@code method}.
     *
     * @throws KeyServerFault if the server answered with a fault
     * @throws IOException if there was no usable answer (network, TLS, HTTP status, malformed)
     */
    Object call(String method, Object... params) throws IOException {
        try {
            Object answer = rpc.execute(method, params);
            lastAnswered = true;
            return answer;
        } catch (HttpClientTransport.Fault f) {
            lastAnswered = true; // the server is there: it answered with a fault
            throw new KeyServerFault(method, f.code, f.getMessage());
        } catch (XmlRpcException e) {
            lastAnswered = false;
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedIOException) {
                throw (InterruptedIOException) cause;
            }
            throw new IOException(method + ": " + (cause instanceof IOException ? cause.getMessage() : e.getMessage()), e);
        }
    }

    /** Whether the key server answered the last call (a fault counts as an answer); null before the first. */
    private volatile Boolean lastAnswered;

    /** True or false as the last call went (the management side's key-server state); empty before any call. */
    public Optional<Boolean> reachable() {
        return Optional.ofNullable(lastAnswered);
    }

    /** Stops the relay's poll loop. The HTTP client's pooled connections close when idle. */
    @Override
    public void close() {
        relay.close();
    }

    @Override
    public String toString() {
        return "KeyServerClient[" + server + ", " + identity.keyId() + "]";
    }

    private static XmlRpcClient xmlRpc(HttpClient http, URI endpoint, Duration timeout) throws IOException {
        XmlRpcClientConfigImpl config = new XmlRpcClientConfigImpl();
        try {
            config.setServerURL(endpoint.toURL()); // informational: the transport posts to endpoint
        } catch (MalformedURLException e) {
            throw new IOException("bad key server URL " + endpoint, e);
        }
        config.setEnabledForExtensions(false);
        config.setEnabledForExceptions(false);
        config.setEncoding(StandardCharsets.UTF_8.name());
        config.setGzipCompressing(false);
        config.setGzipRequesting(false);
        XmlRpcClient client = new XmlRpcClient();
        client.setConfig(config);
        client.setTransportFactory(new HttpClientTransport.Factory(client, Objects.requireNonNull(http), endpoint,
                timeout));
        return client;
    }
}
