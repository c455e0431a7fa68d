package net.zcc.keyserver.rpc;

import java.util.Optional;
import net.zcc.contract.KeyId;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.common.XmlRpcHttpRequestConfigImpl;

/** The request config of one call, carrying the key id of the verified client certificate, if any. */
public final class CallerRequestConfig extends XmlRpcHttpRequestConfigImpl {

    private final KeyId caller;

    CallerRequestConfig(KeyId caller) {
        this.caller = caller;
    }

    /** The verified, not revoked key id of the caller; empty for an anonymous call. */
    public Optional<KeyId> caller() {
        return Optional.ofNullable(caller);
    }

    /** The caller of {@code request}; empty when anonymous or when mutual TLS is off. */
    public static Optional<KeyId> callerOf(XmlRpcRequest request) {
        return request.getConfig() instanceof CallerRequestConfig c ? c.caller() : Optional.empty();
    }
}
