package net.zcc.keyserver;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import net.zcc.contract.ClientIdentity;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.ca.RevocationCheck;
import net.zcc.keyserver.relay.RequesterId;

/**
 * Who may use the relay: the host named by the verified fleet client certificate, while approved.
 * As a {@link Filter} in front of the relay servlets it answers 401 without a certificate and 403
 * for a certificate naming no key id or a host that is not approved (revocation by key id), before
 * the servlet runs; as a {@link RequesterId} it gives the servlets that key id (checking again).
 */
final class RelayAccess implements Filter, RequesterId {

    static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final RevocationCheck check;

    RelayAccess(RevocationCheck check) {
        this.check = Objects.requireNonNull(check);
    }

    /** The key id of the verified client certificate, whatever its state; empty if none. */
    static Optional<KeyId> certifiedKeyId(HttpServletRequest request) {
        if (request.getAttribute(CERTIFICATE_ATTRIBUTE) instanceof X509Certificate[] chain && chain.length > 0) {
            return ClientIdentity.keyIdOf(chain[0]);
        }
        return Optional.empty();
    }

    @Override
    public Optional<KeyId> of(HttpServletRequest request) {
        return certifiedKeyId(request).filter(this::allowed);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) req;
        HttpServletResponse out = (HttpServletResponse) resp;
        out.setHeader("Cache-Control", "no-store");
        boolean hasCertificate = http.getAttribute(CERTIFICATE_ATTRIBUTE) instanceof X509Certificate[] c
                && c.length > 0;
        if (!hasCertificate) {
            out.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        Optional<KeyId> id = certifiedKeyId(http);
        if (id.isEmpty() || !allowed(id.get())) {
            out.setHeader("Connection", "close");
            out.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        chain.doFilter(req, resp);
    }

    private boolean allowed(KeyId id) {
        try {
            return check.isAllowed(id);
        } catch (RuntimeException e) {
            return false; // fail closed
        }
    }
}
