package net.zcc.keyserver.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.contract.pem.Pem;

/**
 * An administrator's credentials directory, the three files {@code zcc-keyserver admin-init}
 * writes and {@code zcc-keyserver admin} reads:
 *
 * <pre>
 * admin.key   PKCS#8 PEM private key (EC P-256), 0600
 * admin.crt   client certificate from the fleet CA naming the admin key id, 0644
 * ca.crt      the fleet CA certificate: the ONLY trust anchor of the admin client, 0644
 * </pre>
 *
 * @param key the admin's TLS private key
 * @param certificate its client certificate
 * @param caCertificate the fleet CA certificate
 */
public record AdminCredentials(PrivateKey key, X509Certificate certificate, X509Certificate caCertificate) {

    /** The private key file. */
    public static final String KEY_FILE = "admin.key";
    /** The client certificate file. */
    public static final String CERT_FILE = "admin.crt";
    /** The fleet CA certificate file. */
    public static final String CA_FILE = "ca.crt";
    private static final char[] IN_MEMORY = "in-memory-only".toCharArray();

    /** Checks for nulls. */
    public AdminCredentials {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(caCertificate, "caCertificate");
    }

    /**
     * Reads {@code dir}.
     *
     * @throws IOException if a file is missing or unreadable, or admin.key is open to group or others
     */
    public static AdminCredentials load(Path dir) throws IOException {
        Path keyFile = dir.resolve(KEY_FILE);
        OwnerOnlyFiles.requireFile(keyFile, "admin private key");
        return new AdminCredentials(Pem.ecPrivateKey(Files.readAllBytes(keyFile), keyFile.toString()),
                certificate(dir.resolve(CERT_FILE)), certificate(dir.resolve(CA_FILE)));
    }

    /**
     * Writes the three files into {@code dir} (created 0700 if missing). Refuses to replace an
     * existing admin.key: that would silently end someone's administrator access.
     */
    public void write(Path dir) throws IOException {
        OwnerOnlyFiles.createDirectory(dir);
        Path keyFile = dir.resolve(KEY_FILE);
        if (Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(keyFile + " exists; choose another --out directory or move it away first");
        }
        OwnerOnlyFiles.write(keyFile, Pem.encode(Pem.PRIVATE_KEY, key.getEncoded()));
        OwnerOnlyFiles.write(dir.resolve(CERT_FILE), Pem.certificate(certificate), OwnerOnlyFiles.PUBLIC);
        OwnerOnlyFiles.write(dir.resolve(CA_FILE), Pem.certificate(caCertificate), OwnerOnlyFiles.PUBLIC);
    }

    private static X509Certificate certificate(Path file) throws IOException {
        return Pem.certificate(Files.readAllBytes(file), file.toString());
    }

    /**
     * A TLS context that presents the admin certificate and trusts only the fleet CA: not the
     * JDK's default CAs, so no public certificate can impersonate the key server.
     */
    public SSLContext tlsContext() throws GeneralSecurityException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("fleet-ca", caCertificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("admin", key, IN_MEMORY, new Certificate[] {certificate, caCertificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, IN_MEMORY);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build the in-memory key stores", e);
        }
    }
}
