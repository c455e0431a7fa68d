package net.zcc.keyserver.ca;

import java.io.IOException;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import net.zcc.contract.ClientIdentity;
import net.zcc.contract.KeyId;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.contract.pem.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The fleet certificate authority: an EC P-256 key and a self-signed CA certificate, kept as two
 * PEM files ({@value #KEY_FILE}, {@value #CERT_FILE}) in an owner-only directory.
 *
 * <p>{@link #openOrCreate} creates the CA on first start (directory 0700, files 0600, written
 * atomically) and loads it afterwards. Loading refuses a directory or file that group or others
 * can access, or that another user owns, and a half-written CA (one file without the other): it
 * never silently makes a new CA, which would cut off every enrolled host.
 *
 * <p>It issues short-lived client certificates that name a host by its canonical {@link KeyId}
 * (subject CN and URI SAN {@code zcc:host:<keyid>}, EKU clientAuth only) and server certificates
 * for the key server itself (EKU serverAuth, SANs as given). Signing uses the JDK's providers;
 * Bouncy Castle only builds and encodes the certificates. Thread-safe.
 */
public final class FleetCa {

    /** The CA private key, PKCS#8 PEM, unencrypted: the directory's permissions protect it. */
    public static final String KEY_FILE = "fleet-ca.key.pem";
    /** The CA certificate, PEM. */
    public static final String CERT_FILE = "fleet-ca.cert.pem";
    /** Client certificates last this long unless asked otherwise. */
    public static final Duration DEFAULT_CLIENT_VALIDITY = Duration.ofDays(30);
    /** Upper bound for any issued certificate: client certificates are meant to be short-lived. */
    public static final Duration MAX_ISSUED_VALIDITY = Duration.ofDays(397);
    /** Validity of a new CA certificate. */
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** notBefore is set this far in the past to tolerate small clock differences. */
    static final Duration BACKDATE = Duration.ofMinutes(1);
    private static final String SIG_ALG = "SHA256withECDSA";

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private FleetCa(PrivateKey key, X509Certificate certificate, Clock clock) {
        this.key = key;
        this.certificate = certificate;
        this.clock = clock;
    }

    /**
     * Loads the CA from {@code dir}, or creates it there if the directory holds neither file.
     *
     * @throws IOException if the files cannot be read or written, are accessible to group or
     *     others, belong to another user, only one of them exists, or the key does not match
     */
    public static FleetCa openOrCreate(Path dir, Clock clock) throws IOException {
        Objects.requireNonNull(clock, "clock");
        OwnerOnlyFiles.createDirectory(dir);
        OwnerOnlyFiles.requireDirectory(dir, "fleet CA directory");
        Path keyFile = dir.resolve(KEY_FILE);
        Path certFile = dir.resolve(CERT_FILE);
        boolean hasKey = Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS);
        boolean hasCert = Files.exists(certFile, LinkOption.NOFOLLOW_LINKS);
        if (hasKey && hasCert) {
            return load(keyFile, certFile, clock);
        }
        if (hasKey || hasCert) {
            throw new IOException("fleet CA in " + dir + " is incomplete (only " + (hasKey ? KEY_FILE : CERT_FILE)
                    + " exists); refusing to create a new CA over it: restore the missing file or move both away");
        }
        return create(dir, keyFile, certFile, clock);
    }

    /** Same as {@link #openOrCreate(Path, Clock)} with the system clock. */
    public static FleetCa openOrCreate(Path dir) throws IOException {
        return openOrCreate(dir, Clock.systemUTC());
    }

    /** The CA certificate (the only trust anchor clients and the server need). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** A fresh in-memory PKCS#12 trust store holding only the CA certificate, alias {@code fleet-ca}. */
    public KeyStore trustStore() throws GeneralSecurityException {
        KeyStore ks = emptyPkcs12();
        ks.setCertificateEntry("fleet-ca", certificate);
        return ks;
    }

    /** Issues a client certificate valid for {@link #DEFAULT_CLIENT_VALIDITY}. */
    public X509Certificate issueClientCertificate(KeyId hostKeyId, PublicKey clientTlsPublicKey)
            throws GeneralSecurityException {
        return issueClientCertificate(hostKeyId, clientTlsPublicKey, DEFAULT_CLIENT_VALIDITY);
    }

    /**
     * Issues a client certificate for the host {@code hostKeyId}: subject {@code CN=<keyid>}, URI
     * SAN {@code zcc:host:<keyid>}, EKU clientAuth, keyUsage digitalSignature, not a CA. It is valid
     * from one minute ago until now + {@code validity}.
     *
     * @param clientTlsPublicKey the host's TLS key (not its X25519 static key, which the id names)
     * @throws IllegalArgumentException if {@code validity} is not positive or above {@link #MAX_ISSUED_VALIDITY}
     */
    public X509Certificate issueClientCertificate(KeyId hostKeyId, PublicKey clientTlsPublicKey, Duration validity)
            throws GeneralSecurityException {
        Objects.requireNonNull(hostKeyId, "hostKeyId");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostKeyId.hex()).build();
        GeneralNames sans = new GeneralNames(
                new GeneralName(GeneralName.uniformResourceIdentifier, ClientIdentity.URI_PREFIX + hostKeyId.hex()));
        return issue(subject, clientTlsPublicKey, validity, sans, KeyPurposeId.id_kp_clientAuth);
    }

    /**
     * Issues a host certificate (issue 12): the client certificate of {@link #issueClientCertificate}
     * that also serves the host's management endpoints, so it adds EKU serverAuth and an IP SAN for
     * each enrolled address (what HTTPS clients check the agent's address against).
     */
    public X509Certificate issueHostCertificate(KeyId hostKeyId, PublicKey tlsPublicKey, Duration validity,
            List<InetAddress> addresses) throws GeneralSecurityException {
        Objects.requireNonNull(hostKeyId, "hostKeyId");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostKeyId.hex()).build();
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, ClientIdentity.URI_PREFIX + hostKeyId.hex()));
        for (InetAddress ip : addresses) {
            names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
        }
        return issue(subject, tlsPublicKey, validity, new GeneralNames(names.toArray(GeneralName[]::new)),
                KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth);
    }

    /**
     * Issues a management identity (issue 12): subject {@code OU=<role>, CN=<name>}, URI SAN
     * {@code zcc:<role>:<name>}, EKU clientAuth. The agents' management endpoints admit it by its OU
     * ({@code zcc-console} or {@code zcc-monitor}); the key server does not, as it names no host.
     */
    public X509Certificate issueRoleCertificate(String role, String name, PublicKey publicKey, Duration validity)
            throws GeneralSecurityException {
        if (!role.matches("zcc-(console|monitor)") || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("role is zcc-console or zcc-monitor, name 1-64 of [A-Za-z0-9._-]");
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.OU, role).addRDN(BCStyle.CN, name)
                .build();
        GeneralNames sans = new GeneralNames(
                new GeneralName(GeneralName.uniformResourceIdentifier, "zcc:" + role.substring(4) + ":" + name));
        return issue(subject, publicKey, validity, sans, KeyPurposeId.id_kp_clientAuth);
    }

    /**
     * Issues a server certificate for the key server: EKU serverAuth, SANs from {@code ipAddresses}
     * and {@code dnsNames} (at least one), subject CN the first name given.
     */
    public X509Certificate issueServerCertificate(PublicKey serverPublicKey, List<InetAddress> ipAddresses,
            List<String> dnsNames, Duration validity) throws GeneralSecurityException {
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (InetAddress ip : ipAddresses) {
            names.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress()));
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate names at least one address or DNS name");
        }
        String cn = !dnsNames.isEmpty() ? dnsNames.get(0) : ipAddresses.get(0).getHostAddress();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
        return issue(subject, serverPublicKey, validity, new GeneralNames(names.toArray(GeneralName[]::new)),
                KeyPurposeId.id_kp_serverAuth);
    }

    /**
     * Makes a complete server identity in memory: a new EC P-256 key, a server certificate for it
     * and a PKCS#12 key store holding both under {@code alias} with the chain [server, CA].
     */
    public KeyStore newServerKeyStore(String alias, char[] password, List<InetAddress> ipAddresses,
            List<String> dnsNames, Duration validity) throws GeneralSecurityException {
        KeyPair pair = newEcKeyPair();
        X509Certificate cert = issueServerCertificate(pair.getPublic(), ipAddresses, dnsNames, validity);
        KeyStore ks = emptyPkcs12();
        ks.setKeyEntry(alias, pair.getPrivate(), password, new Certificate[] {cert, certificate});
        return ks;
    }

    /** A new EC P-256 key pair (for the CA, the server or a test client). */
    public static KeyPair newEcKeyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        return gen.generateKeyPair();
    }

    private X509Certificate issue(X500Name subject, PublicKey publicKey, Duration validity, GeneralNames sans,
            KeyPurposeId... purposes) throws GeneralSecurityException {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero() || validity.compareTo(MAX_ISSUED_VALIDITY) > 0) {
            throw new IllegalArgumentException("validity must be positive and at most " + MAX_ISSUED_VALIDITY);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            throw new IllegalStateException("the fleet CA certificate expires before " + notAfter);
        }
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), serial(),
                Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, publicKey);
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            b.addExtension(Extension.subjectAlternativeName, false, sans);
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode certificate extensions", e);
        }
        return sign(b, key);
    }

    private BigInteger serial() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[0] &= 0x7f;
        bytes[0] |= 0x40; // positive, never zero, fixed length
        return new BigInteger(1, bytes);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder(SIG_ALG).build(signer));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIG_ALG, e);
        }
    }

    private static FleetCa create(Path dir, Path keyFile, Path certFile, Clock clock) throws IOException {
        try {
            KeyPair pair = newEcKeyPair();
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            byte[] id = new byte[8];
            new SecureRandom().nextBytes(id);
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "ZCC")
                    .addRDN(BCStyle.CN, "ZCC fleet CA " + HexFormat.of().formatHex(id))
                    .build();
            BigInteger serial = new BigInteger(1, id).setBit(63);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            // Each file appears atomically; a crash between the two leaves one file, which
            // openOrCreate refuses rather than overwriting.
            OwnerOnlyFiles.write(certFile, Pem.certificate(cert));
            OwnerOnlyFiles.write(keyFile, Pem.encode(Pem.PRIVATE_KEY, pair.getPrivate().getEncoded()));
            return new FleetCa(pair.getPrivate(), cert, clock);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the fleet CA in " + dir, e);
        }
    }

    private static FleetCa load(Path keyFile, Path certFile, Clock clock) throws IOException {
        PrivateKey key = Pem.ecPrivateKey(OwnerOnlyFiles.read(keyFile, "fleet CA file"), keyFile.toString());
        X509Certificate cert = Pem.certificate(OwnerOnlyFiles.read(certFile, "fleet CA file"), certFile.toString());
        try {
            cert.verify(cert.getPublicKey());
            if (cert.getBasicConstraints() < 0 || cert.getKeyUsage() == null || !cert.getKeyUsage()[5]) {
                throw new IOException(certFile + " is not a CA certificate (basicConstraints CA, keyCertSign)");
            }
            requireMatchingKey(key, cert, keyFile);
            return new FleetCa(key, cert, clock);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the fleet CA from " + certFile.getParent() + ": " + e.getMessage(), e);
        }
    }

    private static void requireMatchingKey(PrivateKey key, X509Certificate cert, Path keyFile)
            throws GeneralSecurityException, IOException {
        byte[] probe = "zcc fleet ca key check".getBytes(StandardCharsets.US_ASCII);
        Signature s = Signature.getInstance(SIG_ALG);
        s.initSign(key);
        s.update(probe);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(SIG_ALG);
        v.initVerify(cert.getPublicKey());
        v.update(probe);
        if (!v.verify(sig)) {
            throw new IOException(keyFile + " does not match the CA certificate");
        }
    }

    private static KeyStore emptyPkcs12() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return ks;
    }

}
