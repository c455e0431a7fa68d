package net.zcc.keyserver.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.testing.TlsClients;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutual TLS with fleet-CA client certificates over real Jetty on 127.0.0.1: {@code Health.echo}
 * stands in for enrollment (anonymous), {@code Health.ping} for every protected method.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcMutualTlsTest {

    private static final char[] PW = "test-only-pw".toCharArray();
    private static final String PING =
            "<?xml version=\"1.0\"?><methodCall><methodName>Health.ping</methodName></methodCall>";
    private static final Set<KeyId> APPROVED = ConcurrentHashMap.newKeySet();
    private static Path caDir;
    private static FleetCa fleet;
    private static FleetCa otherCa;
    private static RpcServer server;

    @BeforeAll
    static void start() throws Exception {
        caDir = Files.createTempDirectory("zcc-fleet-ca-test");
        fleet = FleetCa.openOrCreate(caDir.resolve("fleet"));
        otherCa = FleetCa.openOrCreate(caDir.resolve("other"));
        KeyStore serverKeys = fleet.newServerKeyStore("rpc", PW, List.of(InetAddress.getByName("127.0.0.1")),
                List.of(), Duration.ofDays(2));
        MutualTls mtls = new MutualTls(fleet.trustStore(), APPROVED::contains, MethodPolicy.anonymous("Health.echo"));
        server = new RpcServer(serverKeys, new String(PW), 0, RpcLimits.DEFAULT, List.of(RpcHandlers.HEALTH), mtls);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        try (var walk = Files.walk(caDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aFleetCertificateCanCallProtectedMethods() throws Exception {
        KeyId id = approvedHost(1);
        assertEquals("pong", xmlRpc(clientContext(fleet, id)).execute("Health.ping", new Object[0]));
        assertEquals("hi", xmlRpc(clientContext(fleet, id)).execute("Health.echo", new Object[] {"hi"}));
    }

    @Test
    void withoutACertificateOnlyTheAnonymousMethodAnswers() throws Exception {
        XmlRpcClient anonymous = xmlRpc(clientContext(null, null));
        assertEquals("hi", anonymous.execute("Health.echo", new Object[] {"hi"}));
        XmlRpcException e = assertThrows(XmlRpcException.class, () -> anonymous.execute("Health.ping", new Object[0]));
        assertTrue(e.getMessage().contains("client certificate required"), e.getMessage());
        assertEquals(RpcFault.CLIENT_CERTIFICATE_REQUIRED.code(), e.code);
    }

    @Test
    void aCertificateFromAnotherCaFailsTheHandshake() throws Exception {
        KeyId id = approvedHost(2); // approved id, but the certificate is not from the fleet CA
        SSLContext foreign = clientContext(otherCa, id);
        // TLS 1.3: the server checks the client's certificate after the client thinks the
        // handshake is done, so the refusal shows as the server's fatal alert or, when the
        // client writes first, as the connection it closed. Either way no HTTP answer comes back.
        IOException e = assertThrows(IOException.class, () -> rawExchange(foreign));
        assertTrue(e instanceof SSLException && String.valueOf(e.getMessage()).contains("fatal alert")
                || e instanceof java.net.SocketException, "refused by TLS, not answered over HTTP: " + e);
        assertThrows(IOException.class, () -> RpcClients.post(http(foreign), server.uri(), PING));
        assertEquals("pong", xmlRpc(clientContext(fleet, approvedHost(3))).execute("Health.ping", new Object[0]));
    }

    @Test
    void revokingTheKeyIdGives403ToTheSameCertificateAndOthersAreStillServed() throws Exception {
        KeyId id = approvedHost(4);
        KeyId other = approvedHost(5);
        HttpClient http = http(clientContext(fleet, id));
        HttpResponse<String> before = RpcClients.post(http, server.uri(), PING);
        assertEquals(200, before.statusCode());
        assertTrue(before.body().contains("pong"), before.body());

        APPROVED.remove(id);
        assertEquals(403, RpcClients.post(http, server.uri(), PING).statusCode());
        // Anonymous methods are refused too: a revoked host's certificate is not a way in.
        assertEquals(403, RpcClients.post(http, server.uri(), PING.replace("Health.ping", "Health.echo")).statusCode());
        assertEquals("pong", xmlRpc(clientContext(fleet, other)).execute("Health.ping", new Object[0]));
    }

    @Test
    void anUnknownKeyIdGets403() throws Exception {
        KeyId stranger = KeyId.of(filled(6));
        HttpResponse<String> r = RpcClients.post(http(clientContext(fleet, stranger)), server.uri(), PING);
        assertEquals(403, r.statusCode());
        assertTrue(!r.body().contains("pong"), r.body());
    }

    @Test
    void withNoAnonymousMethodTheHandshakeNeedsACertificate() throws Exception {
        KeyStore serverKeys = fleet.newServerKeyStore("rpc", PW, List.of(InetAddress.getByName("127.0.0.1")),
                List.of(), Duration.ofDays(2));
        MutualTls mtls = new MutualTls(fleet.trustStore(), APPROVED::contains, MethodPolicy.ALL_NEED_CERTIFICATE);
        try (RpcServer strict = new RpcServer(serverKeys, new String(PW), 0, RpcLimits.DEFAULT,
                List.of(RpcHandlers.HEALTH), mtls)) {
            strict.start();
            SSLContext anonymous = clientContext(null, null);
            assertThrows(IOException.class, () -> RpcClients.post(http(anonymous), strict.uri(), PING));
            assertEquals("pong", xmlRpc(strict, clientContext(fleet, approvedHost(7))).execute("Health.ping",
                    new Object[0]));
        }
    }

    private static KeyId approvedHost(int n) {
        KeyId id = KeyId.of(filled(n));
        APPROVED.add(id);
        return id;
    }

    private static byte[] filled(int n) {
        byte[] key = new byte[KeyId.X25519_KEY_BYTES];
        java.util.Arrays.fill(key, (byte) n);
        return key;
    }

    /**
     * A client TLS context trusting only the fleet CA and, if {@code issuer} is given, presenting a
     * new key with a certificate {@code issuer} made for {@code id}. The key manager always offers
     * that certificate, ignoring the CA names the server asks for, as a misconfigured or hostile
     * client would.
     */
    private static SSLContext clientContext(FleetCa issuer, KeyId id) throws Exception {
        KeyManager[] kms = null;
        if (issuer != null) {
            KeyPair pair = FleetCa.newEcKeyPair();
            X509Certificate cert = issuer.issueClientCertificate(id, pair.getPublic(), Duration.ofDays(1));
            KeyManager[] plain = TlsClients.keyManagers(issuer, pair, cert);
            kms = new KeyManager[] {new AlwaysPresent((X509KeyManager) plain[0], "client")};
        }
        return TlsClients.context(fleet.trustStore(), kms);
    }

    private static XmlRpcClient xmlRpc(SSLContext ctx) throws Exception {
        return xmlRpc(server, ctx);
    }

    private static XmlRpcClient xmlRpc(RpcServer target, SSLContext ctx) throws Exception {
        return TlsClients.xmlRpc(target.uri(), ctx);
    }

    private static HttpClient http(SSLContext ctx) {
        return TlsClients.http(ctx);
    }

    /** Handshakes, sends a ping and reads the answer on a raw TLS socket, all bounded by 10 s. */
    private static String rawExchange(SSLContext ctx) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            plain.setSoTimeout(10_000);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", server.port(),
                    false)) {
                tls.startHandshake();
                String request = "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                        + "Content-Length: " + PING.length() + "\r\nConnection: close\r\n\r\n" + PING;
                OutputStream out = tls.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = tls.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Offers one alias whatever the server asks for. */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509KeyManager delegate;
        private final String alias;

        AlwaysPresent(X509KeyManager delegate, String alias) {
            this.delegate = delegate;
            this.alias = alias;
        }

        @Override public String[] getClientAliases(String keyType, Principal[] issuers) { return new String[] {alias}; }
        @Override public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return alias; }
        @Override public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }
        @Override public String[] getServerAliases(String keyType, Principal[] issuers) { return null; }
        @Override public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return null; }
        @Override public X509Certificate[] getCertificateChain(String a) { return delegate.getCertificateChain(a); }
        @Override public PrivateKey getPrivateKey(String a) { return delegate.getPrivateKey(a); }
    }
}
