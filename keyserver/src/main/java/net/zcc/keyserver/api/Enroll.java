package net.zcc.keyserver.api;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
public class Enroll {

    /** At most this many addresses per host. */
    static final int MAX_ADDRESSES = 16;

    private final ApiContext ctx;

    /** A handler over {@code ctx}. */
    public Enroll(ApiContext ctx) {
        this.ctx = Objects.requireNonNull(ctx);
    }

    /**
     * Consumes {@code token} and registers the host PENDING under the key id of its X25519 static
     * public key, owning {@code addresses} (IP literals). The static key is stored under scheme
     * {@value RpcMethods#X25519_SCHEME} (what peers look up for Noise KK once the host is approved) and
     * the TLS public key in the store, so approval and {@link #certificate} survive a restart. Every
     * argument is checked before the token is consumed; a host or address that is already
     * registered still uses the token up.
     *
     * @return the host's key id (32 hex digits)
     */
    public String request(String token, String x25519PublicKeyBase64, Object[] addresses,
            String tlsPublicKeyBase64) throws XmlRpcException {
        byte[] x25519 = ApiFaults.base64(x25519PublicKeyBase64, "the X25519 public key");
        if (x25519.length != KeyId.X25519_KEY_BYTES) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, "the X25519 public key is 32 bytes");
        }
        if (addresses == null || addresses.length == 0 || addresses.length > MAX_ADDRESSES) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, "a host owns 1 to " + MAX_ADDRESSES + " addresses");
        }
        List<InetAddress> owned = new ArrayList<>();
        for (Object a : addresses) {
            owned.add(ApiFaults.address(a));
        }
        PublicKey tls = ApiFaults.tlsPublicKey(tlsPublicKeyBase64);
        if (!ctx.tokens().consumeToken(token, ctx.clock().instant())) {
            throw ApiFaults.fault(RpcFault.TOKEN_REFUSED);
        }
        Host host;
        try {
            host = ctx.hosts().register(x25519, owned, tls.getEncoded(), ctx.clock().instant());
        } catch (DuplicateEntryException e) {
            throw ApiFaults.fault(RpcFault.ALREADY_REGISTERED);
        }
        Audit.record("enrollment: host {} PENDING, addresses {} (one-time token used)", host.keyId(),
                owned.stream().map(InetAddress::getHostAddress).toList());
        return host.keyId().hex();
    }

    /**
     * For an APPROVED host whose enrolled TLS public key is {@code tlsPublicKeyBase64}: a new client
     * certificate. Returns a struct {@code {certificate: PEM, caCertificate: PEM}}.
     */
    public Map<String, Object> certificate(String keyIdHex, String tlsPublicKeyBase64) throws XmlRpcException {
        KeyId id = ApiFaults.keyId(keyIdHex);
        PublicKey tls = ApiFaults.tlsPublicKey(tlsPublicKeyBase64);
        boolean approved = ctx.hosts().host(id).map(Host::state).filter(HostState.APPROVED::equals).isPresent();
        boolean sameKey = ctx.hosts().tlsPublicKey(id)
                .filter(known -> MessageDigest.isEqual(known, tls.getEncoded())).isPresent();
        if (!approved || !sameKey) {
            throw ApiFaults.fault(RpcFault.NOT_APPROVED);
        }
        X509Certificate cert;
        try {
            // Fit for the host's management endpoints too (issue 12): serverAuth, its addresses as IP SANs.
            List<InetAddress> addresses = ctx.hosts().host(id).map(Host::addresses).orElse(List.of());
            cert = ctx.ca().issueHostCertificate(id, tls, ctx.clientCertificateValidity(), addresses);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw ApiFaults.fault(RpcFault.SERVER_ERROR, "cannot issue the certificate");
        }
        Audit.record("certificate issued to host {}: serial {}, valid until {}", id, cert.getSerialNumber().toString(16),
                cert.getNotAfter().toInstant());
        Map<String, Object> out = new HashMap<>();
        out.put("certificate", ApiFaults.pem(cert));
        out.put("caCertificate", ApiFaults.pem(ctx.ca().certificate()));
        return out;
    }
}
