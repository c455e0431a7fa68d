package net.zcc.agent.remote;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import net.zcc.agent.keys.PeerDirectory;
import net.zcc.agent.keys.RelayTransport;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;

/**
 * The agent's connection to the key server: XML-RPC and the relay over one HTTPS client that
 * trusts only the fleet CA and presents the host's client certificate.
 *
 * <pre>
 * KeyServerClient ks = KeyServerClient.open(AgentIdentity.load(dir));
 * PeerDirectory directory = ks.peerDirectory();   // Keys.lookup(address, "x25519")
 * RelayTransport relay = ks.relayTransport();     // /relay/send, /relay/poll
 * ...
 * ks.close();                                      // stops the relay's poll thread
 * </pre>
 *
 * Hardening against a hostile or impersonated server (CVE-2019-17570): extensions off, only the
 * specification's value types parsed ({@link CoreTypesOnly}), faults read as code and text only
 * ({@link FaultOnlyResponseParser}), DOCTYPE refused, responses bounded. Call
 * {@link SerialFilter#denyAll()} at process start as well. Thread-safe.
 */
public final class KeyServerClient implements AutoCloseable {

    /** How long a TCP + TLS connect may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long one XML-RPC call or relay send may take in all. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long a relay long-poll may take: the server answers within its poll timeout (at most 25 s). */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(40);
    /** The key scheme the agents' Noise static keys are stored under. */
    static final String X25519_SCHEME = "x25519";

    private final URI server;
    private final HttpClient http;
    private final XmlRpcClient rpc;
    private final AgentIdentity identity;
    private final DirectoryClient directory;
    private final RelayClient relay;

    private KeyServerClient(AgentIdentity identity, SSLContext tls) throws IOException {
        this.identity = identity;
        this.server = identity.server();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.rpc = xmlRpc(http, server.resolve(KeyServerUrl.RPC_PATH));
        this.directory = new DirectoryClient(this);
        this.relay = new RelayClient(http, server, identity.staticKey(), REQUEST_TIMEOUT, POLL_TIMEOUT);
    }

    /**
     * A client for an enrolled host: presents the identity's client certificate.
     *
     * @throws IOException if the identity has no client certificate yet, or TLS cannot be set up
     */
    public static KeyServerClient open(AgentIdentity identity) throws IOException {
        return new KeyServerClient(identity, TlsContexts.authenticated(identity));
    }

    /** A client without a certificate, for the anonymous {@code Enroll.*} calls. */
    static KeyServerClient anonymous(AgentIdentity identity) throws IOException {
        return new KeyServerClient(identity, TlsContexts.anonymous(identity));
    }

    /** Address to static key, from {@code Keys.lookup(address, "x25519")}. */
    public PeerDirectory peerDirectory() {
        return directory;
    }

    /** The handshake relay; start it once (NoiseKeySource does). */
    public RelayTransport relayTransport() {
        return relay;
    }

    /** The identity this client speaks for. */
    public AgentIdentity identity() {
        return identity;
    }

    /**
     * Calls {@code method}.
     *
     * @throws KeyServerFault if the server answered with a fault
     * @throws IOException if there was no usable answer (network, TLS, HTTP status, malformed)
     */
    Object call(String method, Object... params) throws IOException {
        try {
            return rpc.execute(method, params);
        } catch (HttpClientTransport.Fault f) {
            throw new KeyServerFault(method, f.code, f.getMessage());
        } catch (XmlRpcException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedIOException) {
                throw (InterruptedIOException) cause;
            }
            throw new IOException(method + ": " + (cause instanceof IOException ? cause.getMessage() : e.getMessage()), e);
        }
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

    private static XmlRpcClient xmlRpc(HttpClient http, URI endpoint) throws IOException {
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
        client.setTypeFactory(new CoreTypesOnly(client));
        client.setTransportFactory(new HttpClientTransport.Factory(client, Objects.requireNonNull(http), endpoint,
                REQUEST_TIMEOUT));
        return client;
    }
}
