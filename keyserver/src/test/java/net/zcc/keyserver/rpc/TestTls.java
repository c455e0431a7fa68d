package net.zcc.keyserver.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import net.zcc.keyserver.testing.TlsClients;

/**
 * A throwaway server identity for tests, made with the JDK's keytool (no extra dependency):
 * EC P-256, CN=localhost, SAN ip:127.0.0.1, valid for two days.
 */
final class TestTls {

    static final String PASSWORD = "test-only-pw";
    private static KeyStore keyStore;

    private TestTls() { }

    /** Returns the server key store, generating it on first use. */
    static synchronized KeyStore keyStore() throws Exception {
        if (keyStore == null) {
            Path dir = Files.createTempDirectory("zcc-rpc-tls");
            Path file = dir.resolve("server.p12");
            run("keytool", "-genkeypair", "-alias", "rpc", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", file.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            Files.delete(file);
            Files.delete(dir);
            keyStore = ks;
        }
        return keyStore;
    }

    /** Returns a client TLS context that trusts only the test certificate. */
    static SSLContext clientContext() throws Exception {
        Certificate cert = keyStore().getCertificate("rpc");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("rpc", cert);
        return TlsClients.context(trust, null);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + out);
        }
    }
}
