package net.zcc.keyserver.api;

import net.zcc.contract.KeyId;


/**
 * Told by {@code Admin.revoke} right after a host is revoked in the store and its cached state is
 * forgotten, so that parts holding live state for the host (the relay: a waiting long-poll, a
 * mailbox) end it at once instead of at their next timeout.
 */
@FunctionalInterface
public interface RevocationListener {

    /** Nothing holds live state: for handlers used without a relay. */
    RevocationListener NONE = host -> { };

    /** {@code host} has just been revoked. Must not throw; runs on the admin's call. */
    void revoked(KeyId host);

    /**
     * {@code host} has just been deleted: end its live state like a revocation, but without
     * remembering it, since the same key may enroll again. By default nothing happens.
     */
    default void deleted(KeyId host) {
    }
}
