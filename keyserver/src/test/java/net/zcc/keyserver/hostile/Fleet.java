package net.zcc.keyserver.hostile;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.api.Admin;
import net.zcc.keyserver.api.Enroll;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.testing.TlsClients;

/** Hosts and an admin of a running key server, enrolled in process, each with its TLS client. */
final class Fleet {

    /** One enrolled host: static key, TLS key, certificate and clients. */
    static final class Member {
        final byte[] x25519 = new byte[32];
        final KeyPair tls;
        final String address;
        KeyId id;
        X509Certificate cert;
        SSLContext ctx;
        HttpClient http;

        Member(String address) throws Exception {
            new SecureRandom().nextBytes(x25519);
            tls = FleetCa.newEcKeyPair();
            this.address = address;
        }

        String x25519B64() {
            return Base64.getEncoder().encodeToString(x25519);
        }

        String tlsB64() {
            return Base64.getEncoder().encodeToString(tls.getPublic().getEncoded());
        }
    }

    private Fleet() {
    }

    /** Enrolls, approves and certifies a host at {@code address}. */
    static Member host(KeyServer server, Admin admin, String address) throws Exception {
        Member m = new Member(address);
        Enroll enroll = new Enroll(server.api());
        String token = (String) admin.issueToken(600).get("token");
        m.id = new KeyId(enroll.request(token, m.x25519B64(), new Object[] {address}, m.tlsB64()));
        if (!admin.approve(m.id.hex())) {
            throw new IllegalStateException("not approved: " + m.id);
        }
        Map<String, Object> c = enroll.certificate(m.id.hex(), m.tlsB64());
        m.cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(((String) c.get("certificate")).getBytes(StandardCharsets.US_ASCII)));
        m.ctx = TlsClients.fleetClient(server.fleetCa(), m.tls, m.cert);
        m.http = TlsClients.http(m.ctx);
        return m;
    }

    /** An admin client for {@code adminId} (whose TLS key is {@code keys}). */
    static HttpClient admin(KeyServer server, KeyId adminId, KeyPair keys) throws Exception {
        X509Certificate cert = server.fleetCa().issueClientCertificate(adminId, keys.getPublic(), Duration.ofDays(1));
        return TlsClients.http(TlsClients.fleetClient(server.fleetCa(), keys, cert));
    }

    /** The in-process admin handler. */
    static Admin adminHandler(KeyServer server, KeyId adminId) {
        return new Admin(server.api(), Optional.of(adminId));
    }
}
