package net.zcc.keyserver.api;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.zcc.contract.CertificateRenewal;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.contract.rpc.RpcMethods;
import net.zcc.keyserver.store.DuplicateEntryException;
import net.zcc.keyserver.store.Host;
import net.zcc.keyserver.store.HostState;
import org.apache.xmlrpc.XmlRpcException;

/**
 * {@code Enroll.*}: the only ANONYMOUS methods. A host enrolls with a one-time token, then, once an
 * administrator approved it, fetches its client certificate.
 *
 * <p>Over XML-RPC every call first passes the {@link EnrollmentGuard} of its source address (rate
 * and failure backoff, before the store is touched). In-process callers (the console, benchmarks)
 * use {@link #Enroll(ApiContext)} and are not limited.
 */
public class Enroll {

    /** At most this many addresses per host. */
    static final int MAX_ADDRESSES = 16;

    /** Who is calling: source address, and the verified client certificate if there was one. */
    record Caller(String source, Optional<KeyId> keyId, Optional<X509Certificate> certificate) {
        static final Caller IN_PROCESS = new Caller(null, Optional.empty(), Optional.empty());
    }

    private final ApiContext ctx;
    private final Caller caller;

    /** An in-process handler over {@code ctx} (no rate limit). */
    public Enroll(ApiContext ctx) {
        this(ctx, Caller.IN_PROCESS);
    }

    Enroll(ApiContext ctx, Caller caller) {
        this.ctx = Objects.requireNonNull(ctx);
        this.caller = Objects.requireNonNull(caller);
    }

    /**
     * Consumes {@code token} and registers the host PENDING under the key id of its X25519 static
     * public key, asking for {@code addresses} (IP literals; unspecified, loopback, broadcast,
     * multicast and the key server's own are refused). The request reserves nothing: approval binds
     * the addresses and shows the administrator any conflict. The static key is stored under scheme
     * {@value RpcMethods#X25519_SCHEME} and the TLS public key in the store, so approval and
     * {@link #certificate} survive a restart. Every argument is checked before the token is
     * consumed; a host key that is already registered still uses the token up.
     *
     * @return the host's key id (32 hex digits)
     */
    public String request(String token, String x25519PublicKeyBase64, Object[] addresses,
            String tlsPublicKeyBase64) throws XmlRpcException {
        admit();
        byte[] x25519 = ApiFaults.base64(x25519PublicKeyBase64, "the X25519 public key");
        if (x25519.length != KeyId.X25519_KEY_BYTES) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, "the X25519 public key is 32 bytes");
        }
        if (addresses == null || addresses.length == 0 || addresses.length > MAX_ADDRESSES) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, "a host owns 1 to " + MAX_ADDRESSES + " addresses");
        }
        List<InetAddress> owned = new ArrayList<>();
        for (Object a : addresses) {
            InetAddress address = ApiFaults.address(a);
            EnrollAddresses.check(address, ctx.serverAddresses());
            owned.add(address);
        }
        PublicKey tls = ApiFaults.tlsPublicKey(tlsPublicKeyBase64);
        if (!ctx.tokens().consumeToken(token, ctx.clock().instant())) {
            if (caller.source() != null) {
                ctx.enrollment().failed(caller.source(), "enrollment token refused (unknown, expired or used)");
            }
            throw ApiFaults.fault(RpcFault.TOKEN_REFUSED);
        }
        Host host;
        try {
            host = ctx.hosts().register(x25519, owned, tls.getEncoded(), ctx.clock().instant());
        } catch (DuplicateEntryException e) {
            throw ApiFaults.fault(RpcFault.ALREADY_REGISTERED, "this host key is already registered");
        }
        if (caller.source() != null) {
            ctx.enrollment().succeeded(caller.source());
        }
        Audit.record("enrollment: host {} PENDING, requested addresses {} (one-time token used)", host.keyId(),
                owned.stream().map(InetAddress::getHostAddress).toList());
        return host.keyId().hex();
    }

    /**
     * For an APPROVED host whose enrolled TLS public key is {@code tlsPublicKeyBase64}: its client
     * certificate. Returns a struct {@code {certificate: PEM, caCertificate: PEM}}.
     *
     * <p>The first call after approval issues the certificate; later calls return the current one,
     * without signing anything. A new one is issued only to the host itself, proved by the TLS
     * handshake of this very call (its current certificate, so its TLS private key), and only inside
     * the renewal window ({@link CertificateRenewal}). So an anonymous caller, who knows nothing
     * secret, can make the key server sign at most one certificate per approval.
     */
    public Map<String, Object> certificate(String keyIdHex, String tlsPublicKeyBase64) throws XmlRpcException {
        admit();
        KeyId id = ApiFaults.keyId(keyIdHex);
        PublicKey tls = ApiFaults.tlsPublicKey(tlsPublicKeyBase64);
        boolean approved = ctx.hosts().host(id).map(Host::state).filter(HostState.APPROVED::equals).isPresent();
        boolean sameKey = ctx.hosts().tlsPublicKey(id)
                .filter(known -> MessageDigest.isEqual(known, tls.getEncoded())).isPresent();
        if (!approved || !sameKey) {
            throw ApiFaults.fault(RpcFault.NOT_APPROVED);
        }
        Optional<String> current = ctx.hosts().certificate(id);
        if (current.isPresent() && !renewalByItsHolder(id, tls, parse(current.get()))) {
            return answer(current.get());
        }
        X509Certificate cert;
        try {
            // Fit for the host's management endpoints too (issue 12): serverAuth, its addresses as IP SANs.
            List<InetAddress> addresses = ctx.hosts().host(id).map(Host::addresses).orElse(List.of());
            cert = ctx.ca().issueHostCertificate(id, tls, ctx.clientCertificateValidity(), addresses);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw ApiFaults.fault(RpcFault.SERVER_ERROR, "cannot issue the certificate");
        }
        String pem = ApiFaults.pem(cert);
        if (!ctx.hosts().replaceCertificate(id, current.orElse(null), pem)) {
            // Another call won the race (or the host was revoked meanwhile): answer with what is recorded.
            return answer(ctx.hosts().certificate(id).orElseThrow(() -> ApiFaults.fault(RpcFault.NOT_APPROVED)));
        }
        Audit.record("certificate issued to host {}: serial {}, valid until {}{}", id,
                cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant(),
                current.isPresent() ? " (renewal over mutual TLS)" : "");
        return answer(pem);
    }

    /**
     * True if this call comes over mutual TLS from the host {@code id} itself, presenting a
     * certificate for its enrolled TLS key, and the current certificate is in its renewal window.
     */
    private boolean renewalByItsHolder(KeyId id, PublicKey tls, X509Certificate current) {
        boolean holder = caller.keyId().filter(id::equals).isPresent()
                && caller.certificate().map(c -> c.getPublicKey().equals(tls)).orElse(false);
        return holder && CertificateRenewal.isDue(current.getNotBefore().toInstant(),
                current.getNotAfter().toInstant(), ctx.clock().instant());
    }

    private void admit() throws XmlRpcException {
        if (caller.source() != null && caller.keyId().isEmpty()) {
            ctx.enrollment().admit(caller.source());
        }
    }

    private Map<String, Object> answer(String pem) throws XmlRpcException {
        Map<String, Object> out = new HashMap<>();
        out.put("certificate", pem);
        out.put("caCertificate", ApiFaults.pem(ctx.ca().certificate()));
        return out;
    }

    private static X509Certificate parse(String pem) throws XmlRpcException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw ApiFaults.fault(RpcFault.SERVER_ERROR, "the recorded certificate cannot be read");
        }
    }
}
