package net.zcc.servicefile;

import java.util.Set;

/**
 * Names of the cipher suites the {@code scheme} attribute may carry.
 *
 * <p>The agent finds suites with ServiceLoader; the file model only needs their names, so a
 * parser can be built with any set (the agent passes the names of the suites it loaded).
 */
public final class Schemes {
    /** AES-256 keystream with HMAC-SHA-256 truncated to 96 bits; the default suite. */
    public static final String AES_256 = "aes-256";
    /** ChaCha20 keystream with a PRF MAC, for CPUs without AES instructions. */
    public static final String CHACHA20 = "chacha20";

    /** The suites every ZCC agent ships. */
    public static final Set<String> BUILT_IN = Set.of(AES_256, CHACHA20);

    private Schemes() {
    }
}
