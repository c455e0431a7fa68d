package net.zcc.agent.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.zcc.contract.ClientIdentity;
import net.zcc.contract.KeyId;
import net.zcc.contract.net.IpLiteral;
import net.zcc.contract.pem.Pem;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.contract.rpc.RpcMethods;

/**
 * The host's side of enrollment, both anonymous calls: {@code Enroll.request} (one-time token,
 * static key, addresses, TLS public key) and, after an administrator approved the key id,
 * {@code Enroll.certificate}. A certificate is kept only if it is for this host's TLS key and key
 * id and signed by the fleet CA this host already trusts.
 */
public final class Enrollment implements AutoCloseable {

    private final AgentIdentity identity;
    /** One anonymous client for the whole enrollment: polling for approval reuses its connection. */
    private final KeyServerClient anonymous;

    private Enrollment(AgentIdentity identity, KeyServerClient anonymous) {
        this.identity = identity;
        this.anonymous = anonymous;
    }

    /** An enrollment of {@code identity} with the key server it names. */
    public static Enrollment of(AgentIdentity identity) throws IOException {
        return new Enrollment(identity, KeyServerClient.anonymous(identity));
    }

    /**
     * Sends the enrollment request.
     *
     * @return the key id the server registered, which is this host's
     * @throws KeyServerFault if the server refused (token unknown, expired or used; key or address
     *     already registered)
     * @throws IOException if there was no usable answer
     */
    public String request(String token, List<InetAddress> addresses) throws IOException {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a host enrolls with at least one address");
        }
        Object[] literals = addresses.stream().map(IpLiteral::format).toArray();
        Base64.Encoder b64 = Base64.getEncoder();
        Object id = anonymous.call(RpcMethods.ENROLL_REQUEST, token, b64.encodeToString(identity.staticKey().bytes()),
                literals, b64.encodeToString(identity.tlsPublicKey().getEncoded()));
        if (!identity.keyId().equals(id)) {
            throw new IOException(RpcMethods.ENROLL_REQUEST + ": the key server registered key id " + printable(id)
                    + ", not this host's " + identity.keyId());
        }
        return identity.keyId();
    }

    /**
     * Asks for the client certificate once.
     *
     * @return the identity with the certificate saved, or empty while the host is not approved (or
     *     the key server asks this address to slow down)
     * @throws KeyServerFault for any other refusal
     * @throws IOException if there was no usable answer, or the certificate is not for this host
     */
    public Optional<AgentIdentity> fetchCertificate() throws IOException {
        Object answer;
        try {
            answer = anonymous.call(RpcMethods.ENROLL_CERTIFICATE, identity.keyId(),
                    Base64.getEncoder().encodeToString(identity.tlsPublicKey().getEncoded()));
        } catch (KeyServerFault f) {
            if (RpcFault.NOT_APPROVED.is(f.faultCode()) || RpcFault.RATE_LIMITED.is(f.faultCode())) {
                return Optional.empty();
            }
            throw f;
        }
        X509Certificate cert = certificateIn(answer);
        check(identity, cert, Instant.now());
        return Optional.of(identity.withClientCertificate(cert));
    }

    /** The client certificate in an {@code Enroll.certificate} answer. */
    static X509Certificate certificateIn(Object answer) throws IOException {
        if (!(answer instanceof Map<?, ?> m) || !(m.get("certificate") instanceof String pem)) {
            throw new IOException(RpcMethods.ENROLL_CERTIFICATE + ": the key server's answer holds no certificate");
        }
        return Pem.certificate(pem.getBytes(StandardCharsets.US_ASCII), RpcMethods.ENROLL_CERTIFICATE);
    }

    @Override
    public void close() {
        anonymous.close();
    }

    /** Refuses a certificate that is not the fleet CA's (or not valid at {@code now}), not for our TLS key or not for our key id. */
    static void check(AgentIdentity identity, X509Certificate cert, Instant now) throws IOException {
        try {
            cert.verify(identity.fleetCa().getPublicKey());
            cert.checkValidity(Date.from(now));
        } catch (GeneralSecurityException e) {
            throw new IOException("the issued certificate is not signed by the fleet CA " + identity.fleetCaFingerprint()
                    + " or is not valid now");
        }
        if (!cert.getPublicKey().equals(identity.tlsPublicKey())) {
            throw new IOException("the issued certificate is for another TLS key");
        }
        if (!ClientIdentity.keyIdOf(cert).map(KeyId::hex).equals(Optional.of(identity.keyId()))) {
            throw new IOException("the issued certificate does not name key id " + identity.keyId());
        }
    }

    private static String printable(Object o) {
        String s = String.valueOf(o);
        return s.length() > 40 ? s.substring(0, 40) + "…" : s.replaceAll("\\p{Cntrl}", " ");
    }
}
