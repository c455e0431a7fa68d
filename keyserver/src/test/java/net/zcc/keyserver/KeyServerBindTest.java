package net.zcc.keyserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.admin.AdminCredentials;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.testing.TlsClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code withBind}: the key server on another loopback address (127.0.0.2) answers
 * {@code Health.ping} there over TLS with the host name (here the IP) verified against its
 * certificate, whose only IP SAN is the bound address; nothing listens on 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyServerBindTest {

    private static final String BOUND = "127.0.0.2";

    @TempDir
    Path home;

    @Test
    void servesOnTheBoundAddressWithItInTheCertificate() throws Exception {
        KeyId adminId = KeyId.of(new byte[32]);
        KeyServerConfig config = KeyServerConfig.defaults(home, "zcc", "correct horse battery".toCharArray())
                .withAdmins(Set.of(adminId)).withBind(InetAddress.getByName(BOUND));
        try (KeyServer server = new KeyServer(config)) {
            server.start();
            assertEquals("https://" + BOUND + ":" + server.baseUri().getPort() + "/RPC2", server.rpcUri().toString());
            FleetCa ca = server.fleetCa();
            KeyPair keys = FleetCa.newEcKeyPair();
            X509Certificate cert = ca.issueClientCertificate(adminId, keys.getPublic(), Duration.ofDays(1));
            SSLContext tls = TlsClients.fleetClient(ca, keys, cert);

            // The library's HttpsURLConnection transport verifies the URL's host against the SANs.
            assertEquals("pong", TlsClients.xmlRpc(server.rpcUri(), tls).execute("Health.ping", new Object[0]));
            // java.net.http (the admin client's transport) verifies it as well.
            Path creds = home.resolve("admin-creds");
            new AdminCredentials(keys.getPrivate(), cert, ca.certificate()).write(creds);
            assertEquals(0, new CommandLine(new KeyServerMain()).execute("admin", "--credentials", creds.toString(),
                    "--server", server.baseUri().toString(), "hosts"));
            assertEquals(List.of(List.of(7, BOUND)), List.copyOf(serverCertificate(tls, server).getSubjectAlternativeNames()));
            assertThrows(ConnectException.class, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", server.baseUri().getPort()), 2_000);
                }
            }, "nothing listens on 127.0.0.1");
        }
    }

    @Test
    void theWildcardIsNotABindAddress() throws Exception {
        KeyServerConfig config = KeyServerConfig.defaults(home, "zcc", "correct horse battery".toCharArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config.withBind(InetAddress.getByName("0.0.0.0")));
        assertTrue(e.getMessage().contains("one local unicast address"), e.getMessage());
    }

    private static X509Certificate serverCertificate(SSLContext tls, KeyServer server) throws Exception {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(BOUND, server.baseUri().getPort())) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }
}
