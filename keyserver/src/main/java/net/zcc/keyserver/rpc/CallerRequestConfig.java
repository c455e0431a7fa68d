package net.zcc.keyserver.rpc;

import java.security.cert.X509Certificate;
import java.util.Optional;
import net.zcc.contract.KeyId;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.common.XmlRpcHttpRequestConfigImpl;

/**
 * The request config of one call: the key id and certificate of the verified client certificate,
 * if any, and the source address (for per-source limits on anonymous calls).
 */
public final class CallerRequestConfig extends XmlRpcHttpRequestConfigImpl {

    private final KeyId caller;
    private final X509Certificate certificate;
    private final String source;

    CallerRequestConfig(KeyId caller, X509Certificate certificate, String source) {
        this.caller = caller;
        this.certificate = caller == null ? null : certificate;
        this.source = source == null ? "-" : source;
    }

    /** The verified, not revoked key id of the caller; empty for an anonymous call. */
    public Optional<KeyId> caller() {
        return Optional.ofNullable(caller);
    }

    /** The caller of {@code request}; empty when anonymous or when mutual TLS is off. */
    public static Optional<KeyId> callerOf(XmlRpcRequest request) {
        return request.getConfig() instanceof CallerRequestConfig c ? c.caller() : Optional.empty();
    }

    /**
     * The client certificate the caller presented in this connection's TLS handshake (so it holds
     * the private key); empty when anonymous.
     */
    public static Optional<X509Certificate> certificateOf(XmlRpcRequest request) {
        return request.getConfig() instanceof CallerRequestConfig c ? Optional.ofNullable(c.certificate)
                : Optional.empty();
    }

    /** The source IP address of {@code request} as text, "-" if unknown. */
    public static String sourceOf(XmlRpcRequest request) {
        return request.getConfig() instanceof CallerRequestConfig c ? c.source : "-";
    }
}
