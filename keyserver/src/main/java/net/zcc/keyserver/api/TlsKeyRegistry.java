package net.zcc.keyserver.api;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.zcc.keyserver.store.KeyId;

/**
 * The TLS public key each host gave at enrollment, by key id. IN MEMORY ONLY for now (the store has
 * no column for it yet): after a key server restart, a host that enrolled but has not fetched its
 * certificate must enroll again with a new token. Public material only.
 */
public final class TlsKeyRegistry {

    private final ConcurrentHashMap<KeyId, byte[]> keys = new ConcurrentHashMap<>();

    /** Remembers the DER (SubjectPublicKeyInfo) TLS key of {@code id}. */
    public void put(KeyId id, byte[] encodedTlsKey) {
        keys.put(id, encodedTlsKey.clone());
    }

    /** True if {@code encodedTlsKey} is the key {@code id} enrolled with (constant-time compare). */
    public boolean matches(KeyId id, byte[] encodedTlsKey) {
        byte[] known = keys.get(id);
        return known != null && MessageDigest.isEqual(known, encodedTlsKey);
    }

    /** Forgets the key of {@code id} (on revocation). */
    public void remove(KeyId id) {
        keys.remove(id);
    }

    /** The key of {@code id}, if known. */
    public Optional<byte[]> get(KeyId id) {
        return Optional.ofNullable(keys.get(id)).map(byte[]::clone);
    }
}
