package net.zcc.contract.pem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

/**
 * PEM as OpenSSL writes and reads it: a certificate and a PKCS#8 key written by
 * {@code openssl req -x509 -newkey ec} (test resources) are read, and written back byte for byte.
 */
class PemTest {

    @Test
    void readsAndWritesOpenSslsCertificateByteForByte() throws Exception {
        byte[] text = resource("openssl.cert.pem");
        X509Certificate cert = Pem.certificate(text, "openssl.cert.pem");
        assertEquals("CN=zcc pem test", cert.getSubjectX500Principal().getName());
        assertArrayEquals(text, Pem.certificate(cert));
    }

    @Test
    void readsAndWritesOpenSslsPrivateKeyByteForByte() throws Exception {
        byte[] text = resource("openssl.key.pem");
        PrivateKey key = Pem.ecPrivateKey(text, "openssl.key.pem");
        assertArrayEquals(text, Pem.encode(Pem.PRIVATE_KEY, key.getEncoded()));
        X509Certificate cert = Pem.certificate(resource("openssl.cert.pem"), "openssl.cert.pem");
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(new byte[] {1});
        byte[] sig = s.sign();
        s.initVerify(cert.getPublicKey());
        s.update(new byte[] {1});
        assertTrue(s.verify(sig), "the key is the certificate's");
    }

    @Test
    void publicKeysRoundTrip() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        byte[] pem = Pem.encode(Pem.PUBLIC_KEY, pair.getPublic().getEncoded());
        assertTrue(new String(pem, StandardCharsets.US_ASCII).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertEquals(pair.getPublic(), Pem.ecPublicKey(pem, "test"));
    }

    @Test
    void theFirstBlockOfTheTypeIsRead() throws Exception {
        byte[] both = (new String(resource("openssl.key.pem"), StandardCharsets.US_ASCII)
                + new String(resource("openssl.cert.pem"), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        assertEquals("CN=zcc pem test", Pem.certificate(both, "both").getSubjectX500Principal().getName());
    }

    @Test
    void refusalsNameTheSource() {
        IOException none = assertThrows(IOException.class, () -> Pem.certificate(resource("openssl.key.pem"), "f.pem"));
        assertEquals("f.pem: no PEM CERTIFICATE block", none.getMessage());
        byte[] bad = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        IOException base64 = assertThrows(IOException.class, () -> Pem.certificate(bad, "g.pem"));
        assertTrue(base64.getMessage().startsWith("g.pem: "), base64.getMessage());
        byte[] notACert = Pem.encode(Pem.CERTIFICATE, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> Pem.certificate(notACert, "h.pem"));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PemTest.class.getResourceAsStream("/pem/" + name)) {
            return in.readAllBytes();
        }
    }
}
