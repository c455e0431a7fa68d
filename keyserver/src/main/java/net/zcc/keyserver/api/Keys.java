package net.zcc.keyserver.api;

import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import net.zcc.keyserver.store.HostPublicKey;
import org.apache.xmlrpc.XmlRpcException;

/** {@code Keys.*}: needs a client certificate of an approved host or an admin. */
public class Keys {

    /**
     * The scheme of a host's X25519 static public key, stored at enrollment: an agent calls
     * {@code Keys.lookup(peerAddress, "x25519")} for the key its Noise KK handshake needs.
     * Administrators add keys under other schemes with {@code Admin.addKey}.
     */
    public static final String STATIC_KEY_SCHEME = HostPublicKey.STATIC_KEY_SCHEME;

    private final ApiContext ctx;

    /** A handler over {@code ctx}. */
    public Keys(ApiContext ctx) {
        this.ctx = Objects.requireNonNull(ctx);
    }

    /** The seed's lookup: the base64 public key for an approved host's address and scheme, or fault "no key". */
    public String lookup(String address, String scheme) throws XmlRpcException {
        Optional<HostPublicKey> key;
        try {
            key = ctx.hosts().publicKeyFor(ApiFaults.address(address), scheme);
        } catch (IllegalArgumentException e) {
            throw ApiFaults.fault("a scheme is 1-32 of [a-z0-9-]");
        }
        return Base64.getEncoder().encodeToString(
                key.orElseThrow(() -> ApiFaults.fault("no key")).publicKey());
    }
}
