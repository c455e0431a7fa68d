package net.zcc.agent.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import net.zcc.agent.keys.PeerKey;
import net.zcc.agent.noise.NoiseKeyPair;
import net.zcc.contract.KeyId;
import net.zcc.contract.files.OwnerOnlyFiles;
import net.zcc.contract.pem.Pem;

/**
 * Who this host is to the key server, kept in an owner-only directory (default
 * {@value #DEFAULT_DIRECTORY}, mode 0700, every file 0600):
 *
 * <pre>
 * noise.key          X25519 static private key, base64 (the host's identity; never leaves)
 * tls.key.pem        EC P-256 private key, PKCS#8 PEM (the TLS client key)
 * tls.pub.pem        its public key, PEM (sent at enrollment)
 * fleet-ca.cert.pem  the fleet CA certificate: the only TLS trust anchor
 * server             the key server URL, https://HOST:PORT
 * key-id             the host's key id (derived from noise.key, kept for the administrator)
 * client.cert.pem    the client certificate, once the key server issued it
 * </pre>
 *
 * Loading refuses links, files of other users and any group/other permission bit. Immutable:
 * {@link #withClientCertificate} writes the file and returns a new instance. {@code toString}
 * names the directory and key id only.
 */
public final class AgentIdentity {

    /** Where the agent and {@code zcc enroll} keep the identity unless told otherwise. */
    public static final String DEFAULT_DIRECTORY = "/etc/zcc/identity";
    static final String NOISE_KEY = "noise.key";
    static final String TLS_KEY = "tls.key.pem";
    static final String TLS_PUBLIC = "tls.pub.pem";
    static final String FLEET_CA = "fleet-ca.cert.pem";
    static final String SERVER = "server";
    static final String KEY_ID = "key-id";
    static final String CLIENT_CERT = "client.cert.pem";
    private static final String IDENTITY_DIRECTORY = "identity directory";

    private final Path dir;
    private final URI server;
    private final NoiseKeyPair noise;
    private final PeerKey staticKey;
    private final KeyPair tls;
    private final X509Certificate fleetCa;
    private final X509Certificate clientCertificate;

    private AgentIdentity(Path dir, URI server, NoiseKeyPair noise, KeyPair tls, X509Certificate fleetCa,
            X509Certificate clientCertificate) {
        this.dir = dir;
        this.server = server;
        this.noise = noise;
        this.staticKey = PeerKey.of(noise.publicKey());
        this.tls = tls;
        this.fleetCa = fleetCa;
        this.clientCertificate = clientCertificate;
    }

    /**
     * Creates the identity in {@code dir}, or updates it: existing keys are kept (so a re-run of
     * enrollment keeps the host's key id); the server URL and fleet CA are (re)written.
     */
    public static AgentIdentity createOrUpdate(Path dir, URI server, X509Certificate fleetCa) throws IOException {
        Objects.requireNonNull(fleetCa);
        URI url = KeyServerUrl.check(server);
        OwnerOnlyFiles.createDirectory(dir);
        OwnerOnlyFiles.requireDirectory(dir, IDENTITY_DIRECTORY);
        SecureRandom random = new SecureRandom();
        if (!exists(dir.resolve(NOISE_KEY))) {
            NoiseKeyPairFile.write(dir.resolve(NOISE_KEY), random);
        }
        if (!exists(dir.resolve(TLS_KEY)) || !exists(dir.resolve(TLS_PUBLIC))) {
            KeyPair pair = newTlsKeyPair(random);
            // The public half first: a crash in between leaves no private key without its public key.
            OwnerOnlyFiles.write(dir.resolve(TLS_PUBLIC), Pem.encode(Pem.PUBLIC_KEY, pair.getPublic().getEncoded()));
            OwnerOnlyFiles.write(dir.resolve(TLS_KEY), Pem.encode(Pem.PRIVATE_KEY, pair.getPrivate().getEncoded()));
            Files.deleteIfExists(dir.resolve(CLIENT_CERT)); // it certified the old key
        }
        OwnerOnlyFiles.write(dir.resolve(FLEET_CA), Pem.certificate(fleetCa));
        OwnerOnlyFiles.write(dir.resolve(SERVER), (url + "\n").getBytes(StandardCharsets.US_ASCII));
        AgentIdentity id = load(dir);
        OwnerOnlyFiles.write(dir.resolve(KEY_ID), (id.keyId() + "\n").getBytes(StandardCharsets.US_ASCII));
        return id;
    }

    /** Loads the identity in {@code dir}; the client certificate may still be missing. */
    public static AgentIdentity load(Path dir) throws IOException {
        OwnerOnlyFiles.requireDirectory(dir, IDENTITY_DIRECTORY);
        NoiseKeyPair noise = NoiseKeyPairFile.read(dir.resolve(NOISE_KEY));
        PrivateKey tlsPrivate = Pem.ecPrivateKey(readOwnerOnly(dir.resolve(TLS_KEY)), dir.resolve(TLS_KEY).toString());
        PublicKey tlsPublic = Pem.ecPublicKey(readOwnerOnly(dir.resolve(TLS_PUBLIC)), dir.resolve(TLS_PUBLIC).toString());
        X509Certificate ca = Pem.certificate(readOwnerOnly(dir.resolve(FLEET_CA)), dir.resolve(FLEET_CA).toString());
        String url = new String(readOwnerOnly(dir.resolve(SERVER)), StandardCharsets.US_ASCII).trim();
        URI server;
        try {
            server = KeyServerUrl.check(URI.create(url));
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(SERVER) + ": " + e.getMessage());
        }
        X509Certificate cert = null;
        Path certFile = dir.resolve(CLIENT_CERT);
        if (exists(certFile)) {
            cert = Pem.certificate(readOwnerOnly(certFile), certFile.toString());
            if (!cert.getPublicKey().equals(tlsPublic)) {
                throw new IOException(certFile + " does not certify " + dir.resolve(TLS_KEY) + "; enroll again");
            }
        }
        return new AgentIdentity(dir, server, noise, new KeyPair(tlsPublic, tlsPrivate), ca, cert);
    }

    /** Saves {@code cert} as the client certificate and returns the identity holding it. */
    AgentIdentity withClientCertificate(X509Certificate cert) throws IOException {
        if (!cert.getPublicKey().equals(tls.getPublic())) {
            throw new IOException("the certificate is not for this host's TLS key");
        }
        OwnerOnlyFiles.write(dir.resolve(CLIENT_CERT), Pem.certificate(cert));
        return new AgentIdentity(dir, server, noise, tls, fleetCa, cert);
    }

    /** The identity directory. */
    public Path directory() {
        return dir;
    }

    /** The key server, {@code https://HOST:PORT}. */
    public URI server() {
        return server;
    }

    /** The X25519 static key pair (shared, not a copy: the agent keeps it for its lifetime). */
    public NoiseKeyPair noiseKeyPair() {
        return noise;
    }

    /** The static public key: this host's name on the relay. */
    public PeerKey staticKey() {
        return staticKey;
    }

    /** The key id the key server knows this host by. */
    public String keyId() {
        return KeyId.of(staticKey.bytes()).hex();
    }

    /** The fleet CA certificate, the only TLS trust anchor. */
    public X509Certificate fleetCa() {
        return fleetCa;
    }

    /** The client certificate, once issued. */
    public Optional<X509Certificate> clientCertificate() {
        return Optional.ofNullable(clientCertificate);
    }

    /** The TLS public key, as sent at enrollment. */
    public PublicKey tlsPublicKey() {
        return tls.getPublic();
    }

    /** The TLS key pair; package-private so only the TLS setup sees the private half. */
    KeyPair tlsKeyPair() {
        return tls;
    }

    /** SHA-256 of the fleet CA certificate, as colon-separated hex, for the administrator to compare. */
    public String fleetCaFingerprint() {
        return fingerprint(fleetCa);
    }

    static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    /** Names the directory and key id; never key material. */
    @Override
    public String toString() {
        return "AgentIdentity[" + dir + ", key id " + keyId() + (clientCertificate != null ? ", certified" : ", not certified") + "]";
    }

    /** An identity file's bytes, once it passed the owner-only check. */
    private static byte[] readOwnerOnly(Path file) throws IOException {
        return OwnerOnlyFiles.read(file, "identity file");
    }

    private static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static KeyPair newTlsKeyPair(SecureRandom random) throws IOException {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), random);
            return gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make an EC P-256 key pair", e);
        }
    }

    /** The noise.key file: the 32-byte X25519 private key in base64 on one line. */
    static final class NoiseKeyPairFile {
        private NoiseKeyPairFile() {
        }

        static void write(Path file, SecureRandom random) throws IOException {
            byte[] key = new byte[NoiseKeyPair.KEY_LENGTH];
            random.nextBytes(key); // X25519 clamps in the scalar multiplication: any 32 bytes will do
            byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
            try {
                OwnerOnlyFiles.write(file, text);
            } finally {
                Arrays.fill(key, (byte) 0);
                Arrays.fill(text, (byte) 0);
            }
        }

        static NoiseKeyPair read(Path file) throws IOException {
            byte[] text = readOwnerOnly(file);
            byte[] key = null;
            try {
                key = Base64.getDecoder().decode(new String(text, StandardCharsets.US_ASCII).trim());
                return NoiseKeyPair.fromPrivateKey(key);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": not a base64 X25519 private key (32 bytes)");
            } finally {
                Arrays.fill(text, (byte) 0);
                if (key != null) {
                    Arrays.fill(key, (byte) 0);
                }
            }
        }
    }
}
