package net.zcc.keyserver.store;

import java.time.Instant;

/**
 * A freshly issued enrollment token. The plain token exists only here, for handing to the
 * host (through Ansible); the store keeps its SHA-256 hash. {@link #toString()} hides it so it
 * cannot leak into logs.
 */
public record IssuedToken(String token, Instant expiresAt) {
    @Override
    public String toString() {
        return "IssuedToken[token=<hidden>, expiresAt=" + expiresAt + "]";
    }
}
