package net.zcc.keyserver.rpc;

import java.security.KeyStore;
import java.util.Objects;
import net.zcc.keyserver.ca.RevocationCheck;

/**
 * Client-certificate settings for {@link RpcServer}.
 *
 * @param trustStore holds only the fleet CA certificate ({@link net.zcc.keyserver.ca.FleetCa#trustStore()})
 * @param revocation consulted on every request that presents a certificate, by its key id
 * @param policy which methods need no certificate
 */
public record MutualTls(KeyStore trustStore, RevocationCheck revocation, MethodPolicy policy) {

    /** Checks for nulls. */
    public MutualTls {
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(revocation, "revocation");
        Objects.requireNonNull(policy, "policy");
    }
}
