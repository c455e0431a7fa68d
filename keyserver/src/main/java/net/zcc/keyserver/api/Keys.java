package net.zcc.keyserver.api;

import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.contract.rpc.RpcMethods;
import net.zcc.keyserver.store.HostPublicKey;
import org.apache.xmlrpc.XmlRpcException;

/**
 * {@code Keys.*}: needs a client certificate of an approved host or an admin. Enrollment stores a
 * host's static key under {@link RpcMethods#X25519_SCHEME}; administrators add keys under other
 * schemes with {@code Admin.addKey}.
 */
public class Keys {

    private final ApiContext ctx;

    /** A handler over {@code ctx}. */
    public Keys(ApiContext ctx) {
        this.ctx = Objects.requireNonNull(ctx);
    }

    /**
     * The seed's lookup: the base64 public key for an approved host's address and scheme, or fault
     * {@link RpcFault#NO_KEY}.
     */
    public String lookup(String address, String scheme) throws XmlRpcException {
        Optional<HostPublicKey> key;
        try {
            key = ctx.hosts().publicKeyFor(ApiFaults.address(address), scheme);
        } catch (IllegalArgumentException e) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, "a scheme is 1-32 of [a-z0-9-]");
        }
        return Base64.getEncoder().encodeToString(
                key.orElseThrow(() -> ApiFaults.fault(RpcFault.NO_KEY)).publicKey());
    }
}
