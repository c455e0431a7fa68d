package net.zcc.contract.pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * PEM text (RFC 7468) of the forms the fleet uses: CERTIFICATE, PRIVATE KEY (unencrypted PKCS#8:
 * the file mode protects it) and PUBLIC KEY (SubjectPublicKeyInfo), EC keys only, the forms
 * OpenSSL and curl read. Both sides use it: the agent for its identity directory and the
 * certificates it is issued, the key server for the fleet CA, the admin credentials and the
 * certificates it issues. JDK only: 64-character base64 lines, {@code \n} line ends.
 */
public final class Pem {

    /** The type of an X.509 certificate block. */
    public static final String CERTIFICATE = "CERTIFICATE";
    /** The type of an unencrypted PKCS#8 private key block. */
    public static final String PRIVATE_KEY = "PRIVATE KEY";
    /** The type of a SubjectPublicKeyInfo block. */
    public static final String PUBLIC_KEY = "PUBLIC KEY";

    private Pem() {
    }

    /** One PEM block of {@code type} around {@code der}. */
    public static byte[] encode(String type, byte[] der) {
        String text = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The DER inside the first block of {@code type}; text around it is ignored.
     *
     * @param source names the PEM's origin (a file, a call) in the exception's message
     */
    public static byte[] decode(byte[] pem, String type, String source) throws IOException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = b < 0 ? -1 : text.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new IOException(source + ": no PEM " + type + " block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new IOException(source + ": bad base64 in the PEM " + type + " block");
        }
    }

    /** The certificate in the first CERTIFICATE block. */
    public static X509Certificate certificate(byte[] pem, String source) throws IOException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(decode(pem, CERTIFICATE, source)));
        } catch (CertificateException e) {
            throw new IOException(source + ": not an X.509 certificate", e);
        }
    }

    /** The EC private key in the first PRIVATE KEY block. */
    public static PrivateKey ecPrivateKey(byte[] pem, String source) throws IOException {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(decode(pem, PRIVATE_KEY, source)));
        } catch (GeneralSecurityException e) {
            throw new IOException(source + ": not an EC private key (PKCS#8)");
        }
    }

    /** The EC public key in the first PUBLIC KEY block. */
    public static PublicKey ecPublicKey(byte[] pem, String source) throws IOException {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(decode(pem, PUBLIC_KEY, source)));
        } catch (GeneralSecurityException e) {
            throw new IOException(source + ": not an EC public key");
        }
    }

    /** A CERTIFICATE block of {@code cert}. */
    public static byte[] certificate(X509Certificate cert) throws IOException {
        try {
            return encode(CERTIFICATE, cert.getEncoded());
        } catch (CertificateException e) {
            throw new IOException("cannot encode a certificate", e);
        }
    }
}
