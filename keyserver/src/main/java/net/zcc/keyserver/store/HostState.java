package net.zcc.keyserver.store;

/**
 * Where a host stands in enrollment. Only {@link #APPROVED} hosts are given keys; a revoked
 * host stays revoked (it re-enrolls under a new static key, hence a new key id).
 */
public enum HostState {
    /** Enrolled with a token, waiting for an administrator. */
    PENDING,
    /** Approved by an administrator; its keys are served. */
    APPROVED,
    /** Revoked; nothing is served for it any more. */
    REVOKED
}
