package net.zcc.keyserver.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Shared credentials and key material for the store tests. */
final class TestStores {
    static final String USER = "zcc";
    static final String PASSWORD = "correct horse battery";

    private TestStores() {
    }

    static KeyStoreDatabase open(Path home) {
        return KeyStoreDatabase.open(home, USER, PASSWORD.toCharArray());
    }

    /** A deterministic 32-byte stand-in for an X25519 public key. */
    static byte[] publicKey(String seed) {
        return EnrollmentTokens.sha256(seed.getBytes(StandardCharsets.UTF_8));
    }
}
