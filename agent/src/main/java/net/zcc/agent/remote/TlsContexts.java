package net.zcc.agent.remote;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the key server: trust the fleet CA certificate and nothing else (no system trust
 * store: a public CA must not be able to impersonate the key server), and present the host's
 * client certificate when there is one. Hostname verification is the HTTP client's job
 * (java.net.http checks the certificate against the URL's host).
 */
final class TlsContexts {

    private TlsContexts() {
    }

    /** A context trusting only {@code fleetCa}; with {@code client}, presenting it. */
    static SSLContext of(X509Certificate fleetCa, Optional<ClientKey> client) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("fleet-ca", fleetCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client.isPresent()) {
                // An in-memory store only; its password protects nothing and never leaves this method.
                char[] pw = "in-memory".toCharArray();
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", client.get().identity().tlsKeyPair().getPrivate(), pw,
                        new Certificate[] {client.get().certificate(), fleetCa});
                kmf = KeyManagerFactory.getInstance("PKIX");
                kmf.init(keys, pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot set up TLS for the key server: " + e.getMessage(), e);
        }
    }

    /** Anonymous: for enrollment, before the host has a certificate. */
    static SSLContext anonymous(AgentIdentity identity) throws IOException {
        return of(identity.fleetCa(), Optional.empty());
    }

    /** With the identity's client certificate, which must exist. */
    static SSLContext authenticated(AgentIdentity identity) throws IOException {
        X509Certificate cert = identity.clientCertificate().orElseThrow(() -> new IOException(
                "no client certificate in " + identity.directory() + ": run zcc enroll --finish"));
        return of(identity.fleetCa(), Optional.of(new ClientKey(identity, cert)));
    }

    /** The identity and its certificate, together. */
    record ClientKey(AgentIdentity identity, X509Certificate certificate) {
    }
}
