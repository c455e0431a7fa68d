package net.zcc.agent.remote;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS for the key server: trust the fleet CA certificate and nothing else (no system trust
 * store: a public CA must not be able to impersonate the key server), and present the host's
 * client certificate when there is one. Hostname verification is the HTTP client's job
 * (java.net.http checks the certificate against the URL's host).
 *
 * <p>The client certificate is held by a {@link ClientKeyManager} that reads it from an
 * {@link AtomicReference} at every handshake, so a renewed certificate is presented by the next
 * new connection without a new SSLContext or HTTP client.
 */
final class TlsContexts {

    private TlsContexts() {
    }

    /** A context trusting only {@code fleetCa}; with {@code keys}, presenting its certificate; null keys: anonymous (enrollment). */
    static SSLContext of(X509Certificate fleetCa, ClientKeyManager keys) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("fleet-ca", fleetCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys == null ? null : new KeyManager[] {keys}, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot set up TLS for the key server: " + e.getMessage(), e);
        }
    }

    /** The identity's key and client certificate, which must exist. */
    static ClientKeyManager clientKeys(AgentIdentity identity, Clock clock) throws IOException {
        X509Certificate cert = identity.clientCertificate().orElseThrow(() -> new IOException(
                "no client certificate in " + identity.directory() + ": run zcc enroll --finish"));
        return new ClientKeyManager(identity.tlsKeyPair().getPrivate(), cert, identity.fleetCa(), clock);
    }

    /** Ends every cached client session of {@code ctx}, so the next connection does a full handshake. */
    static void forgetSessions(SSLContext ctx) {
        SSLSessionContext sessions = ctx.getClientSessionContext();
        for (byte[] id : Collections.list(sessions.getIds())) {
            SSLSession s = sessions.getSession(id);
            if (s != null) {
                s.invalidate();
            }
        }
    }

    /**
     * One private key, one replaceable client certificate (chain: certificate, fleet CA). An
     * expired certificate is not offered: the handshake goes on without one, so the anonymous
     * {@code Enroll.certificate} still works for renewal; other calls are refused by the server as
     * they would be with the expired certificate. Thread-safe.
     */
    static final class ClientKeyManager extends X509ExtendedKeyManager {
        static final String ALIAS = "client";

        private final PrivateKey key;
        private final X509Certificate fleetCa;
        private final Clock clock;
        private final AtomicReference<X509Certificate> current;
        /** The certificate last handed to a handshake, for tests and diagnostics. */
        private final AtomicReference<X509Certificate> lastPresented = new AtomicReference<>();

        ClientKeyManager(PrivateKey key, X509Certificate certificate, X509Certificate fleetCa, Clock clock) {
            this.key = Objects.requireNonNull(key);
            this.fleetCa = Objects.requireNonNull(fleetCa);
            this.clock = Objects.requireNonNull(clock);
            this.current = new AtomicReference<>(Objects.requireNonNull(certificate));
        }

        /** The certificate new handshakes present. */
        X509Certificate current() {
            return current.get();
        }

        /** From now on, new handshakes present {@code certificate} (for the same private key). */
        void replace(X509Certificate certificate) {
            current.set(Objects.requireNonNull(certificate));
        }

        /** The certificate last sent in a handshake, null before the first. */
        X509Certificate lastPresented() {
            return lastPresented.get();
        }

        private String choose(String[] keyTypes) {
            if (keyTypes == null || !current.get().getNotAfter().toInstant().isAfter(clock.instant())) {
                return null;
            }
            String alg = key.getAlgorithm(); // "EC"
            return Arrays.stream(keyTypes).anyMatch(t -> t != null && t.startsWith(alg)) ? ALIAS : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return choose(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return choose(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return choose(new String[] {keyType}) == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            if (!ALIAS.equals(alias)) {
                return null;
            }
            X509Certificate cert = current.get();
            lastPresented.set(cert);
            return new X509Certificate[] {cert, fleetCa};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public String toString() {
            return "ClientKeyManager[" + current.get().getSubjectX500Principal() + ", until "
                    + current.get().getNotAfter().toInstant() + "]";
        }
    }
}
