package net.zcc.keyserver.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.api.Admin;
import net.zcc.keyserver.api.Enroll;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.testing.TlsClients;

/**
 * Hosts for the benchmarks: enrolled, approved and certified through the API handlers in-process
 * (as the console would), each with its own X25519 key, address in 198.18.100.0/22 and mutual-TLS
 * client context.
 */
final class BenchHosts {

    /** One enrolled host. */
    record Enrolled(String address, byte[] staticKey, String keyIdHex, SSLContext tls) { }

    private static final SecureRandom RANDOM = new SecureRandom();

    private BenchHosts() {
    }

    static List<Enrolled> enroll(KeyServer server, KeyId adminId, int count) throws Exception {
        Admin admin = new Admin(server.api(), Optional.of(adminId));
        Enroll enroll = new Enroll(server.api());
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Enrolled> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] x25519 = new byte[32];
            RANDOM.nextBytes(x25519);
            KeyPair tls = FleetCa.newEcKeyPair();
            String address = "198.18." + (100 + i / 250) + "." + (1 + i % 250);
            String tlsKey = b64(tls.getPublic().getEncoded());
            String token = (String) admin.issueToken(600).get("token");
            String keyId = enroll.request(token, b64(x25519), new Object[] {address}, tlsKey);
            admin.approve(keyId);
            Map<String, Object> issued = enroll.certificate(keyId, tlsKey);
            X509Certificate cert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(
                    ((String) issued.get("certificate")).getBytes(StandardCharsets.US_ASCII)));
            out.add(new Enrolled(address, x25519, keyId, TlsClients.fleetClient(server.fleetCa(), tls, cert)));
        }
        return out;
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
