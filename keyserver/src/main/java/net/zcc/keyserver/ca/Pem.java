package net.zcc.keyserver.ca;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM text of certificates and unencrypted PKCS#8 private keys, the forms OpenSSL and curl read. */
public final class Pem {

    private Pem() { }

    /** {@code -----BEGIN CERTIFICATE-----} text. */
    public static String of(X509Certificate cert) throws IOException {
        return write(cert);
    }

    /** {@code -----BEGIN PRIVATE KEY-----} (PKCS#8, unencrypted: the file mode protects it). */
    public static String of(PrivateKey key) throws IOException {
        return write(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** The first certificate in {@code file}. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        if (!(read(file) instanceof X509CertificateHolder holder)) {
            throw new IOException(file + " does not hold an X.509 certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(file + " holds an unusable certificate", e);
        }
    }

    /** The unencrypted PKCS#8 private key in {@code file}. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        if (!(read(file) instanceof PrivateKeyInfo info)) {
            throw new IOException(file + " does not hold an unencrypted PKCS#8 private key");
        }
        return new JcaPEMKeyConverter().getPrivateKey(info);
    }

    /** PEM text of any object Bouncy Castle's writer takes. */
    static String write(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    /** The first PEM object in {@code file}. */
    static Object read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o == null) {
                throw new IOException(file + " holds no PEM object");
            }
            return o;
        }
    }
}
