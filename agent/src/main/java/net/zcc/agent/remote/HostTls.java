package net.zcc.agent.remote;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The host as a TLS server (the management endpoints): its enrolled EC key and certificate, and
 * the fleet CA as the only trust anchor for client certificates. The certificate is replaceable:
 * the key server client renews it into the identity directory, and {@link #refresh} takes the new
 * one for the next handshakes without a restart. The private key never leaves this class.
 */
public final class HostTls {
    private static final String ALIAS = "host";

    private final AgentIdentity identity;
    private final PrivateKey key;
    private final X509Certificate fleetCa;
    private final AtomicReference<X509Certificate> current;

    private HostTls(AgentIdentity identity, PrivateKey key, X509Certificate cert, X509Certificate fleetCa) {
        this.identity = identity;
        this.key = Objects.requireNonNull(key);
        this.current = new AtomicReference<>(Objects.requireNonNull(cert));
        this.fleetCa = Objects.requireNonNull(fleetCa);
    }

    /** The enrolled identity's key and certificate, which must exist. */
    public static HostTls of(AgentIdentity identity) throws IOException {
        X509Certificate cert = identity.clientCertificate().orElseThrow(() -> new IOException(
                "no certificate in " + identity.directory() + " (run zcc enroll --finish): no management endpoints"));
        return new HostTls(identity, identity.tlsKeyPair().getPrivate(), cert, identity.fleetCa());
    }

    /** Explicit material (tests and the simulated fleet). */
    public static HostTls of(PrivateKey key, X509Certificate cert, X509Certificate fleetCa) {
        return new HostTls(null, key, cert, fleetCa);
    }

    /** The certificate new handshakes present. */
    public X509Certificate certificate() {
        return current.get();
    }

    public X509Certificate fleetCa() {
        return fleetCa;
    }

    /** Takes a renewed certificate from the identity directory; true if it changed. */
    public boolean refresh() throws IOException {
        if (identity == null) {
            return false;
        }
        X509Certificate fresh = AgentIdentity.load(identity.directory()).clientCertificate().orElse(null);
        if (fresh == null || fresh.equals(current.get()) || !fresh.getPublicKey().equals(identity.tlsPublicKey())) {
            return false;
        }
        current.set(fresh);
        return true;
    }

    /** A server context: presents the host certificate, trusts only the fleet CA for client certificates. */
    public SSLContext serverContext() throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("fleet-ca", fleetCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new ServerKeys()}, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for the management endpoints: " + e.getMessage(), e);
        }
    }

    /** One key, one replaceable certificate, offered to every server handshake whose key type fits. */
    private final class ServerKeys extends X509ExtendedKeyManager {
        private String choose(String keyType) {
            return keyType != null && keyType.startsWith(key.getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return choose(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {current.get(), fleetCa} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public String toString() {
            return "HostTls[" + current.get().getSubjectX500Principal() + "]" + Arrays.toString(new Object[0]);
        }
    }
}
