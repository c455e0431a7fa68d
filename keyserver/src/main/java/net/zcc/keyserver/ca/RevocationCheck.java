package net.zcc.keyserver.ca;

import net.zcc.contract.KeyId;


/**
 * Decides, per request, whether the host named by a verified client certificate may still be
 * served. Revocation is by canonical {@link KeyId}, never by certificate fingerprint: a host that
 * obtains a new certificate for the same static key stays revoked.
 *
 * <p>The store will back this with "host state is APPROVED"; implementations must be thread-safe
 * and fast (they run on every call). An exception is treated as "not allowed" (fail closed).
 */
@FunctionalInterface
public interface RevocationCheck {

    /** Returns true only if the host with this key id is known and currently allowed. */
    boolean isAllowed(KeyId keyId);
}
