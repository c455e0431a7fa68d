package net.zcc.keyserver.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcMethods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostDirectoryTest {
    private static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_000L);

    @TempDir
    Path home;
    private KeyStoreDatabase db;
    private HostDirectory hosts;
    private InetAddress v4;
    private InetAddress v6;

    @BeforeEach
    void open() throws Exception {
        db = TestStores.open(home);
        hosts = new HostDirectory(db);
        v4 = InetAddress.getByName("198.18.12.7");
        v6 = InetAddress.getByName("2001:2:ff::7");
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void keyIdIsHexOfFirstHalfOfSha256() {
        byte[] key = new byte[32];
        // SHA-256 of 32 zero bytes starts 66687aadf862bd776c8fc18b8e9f8e20.
        assertEquals("66687aadf862bd776c8fc18b8e9f8e20", KeyId.of(key).hex());
    }

    @Test
    void lookupServesOnlyApprovedHosts() {
        byte[] key = TestStores.publicKey("host-a");
        KeyId id = hosts.register(key, List.of(v4, v6), NOW).keyId();
        hosts.addKey(new HostPublicKey(id, "aes-256", key), NOW);

        assertEquals(Optional.empty(), hosts.publicKeyFor(v4, "aes-256"), "pending");
        assertTrue(hosts.approve(id, NOW));
        assertEquals(key.length, hosts.publicKeyFor(v6, "aes-256").orElseThrow().publicKey().length);
        assertEquals(new HostPublicKey(id, "aes-256", key), hosts.publicKeyFor(v4, "aes-256").orElseThrow());
        assertEquals(Optional.empty(), hosts.publicKeyFor(v4, "chacha20"), "other scheme");

        assertTrue(hosts.revoke(id, NOW.plusSeconds(1)));
        assertEquals(Optional.empty(), hosts.publicKeyFor(v4, "aes-256"), "revoked");
        assertFalse(hosts.approve(id, NOW.plusSeconds(2)), "revocation is final");
        assertEquals(HostState.REVOKED, hosts.host(id).orElseThrow().state());
        assertEquals(NOW.plusSeconds(1), hosts.host(id).orElseThrow().updatedAt());
    }

    @Test
    void keysAreAddedModifiedAndDeleted() {
        byte[] key = TestStores.publicKey("host-b");
        KeyId id = hosts.register(key, List.of(v4), NOW).keyId();
        hosts.approve(id, NOW);
        HostPublicKey first = new HostPublicKey(id, "chacha20", key);
        hosts.addKey(first, NOW);
        assertThrows(DuplicateEntryException.class, () -> hosts.addKey(first, NOW));

        HostPublicKey second = new HostPublicKey(id, "chacha20", TestStores.publicKey("rotated"));
        assertTrue(hosts.modifyKey(second, NOW));
        assertEquals(second, hosts.publicKeyFor(v4, "chacha20").orElseThrow());
        assertEquals(List.of(second, new HostPublicKey(id, RpcMethods.X25519_SCHEME, key)), hosts.keysOf(id));

        assertTrue(hosts.deleteKey(id, "chacha20"));
        assertFalse(hosts.deleteKey(id, "chacha20"));
        assertFalse(hosts.modifyKey(second, NOW));
        assertEquals(Optional.empty(), hosts.publicKeyFor(v4, "chacha20"));
    }

    @Test
    void registrationStoresTheStaticKeyUnderX25519ServedOnlyWhileApproved() {
        byte[] key = TestStores.publicKey("host-s");
        KeyId id = hosts.register(key, List.of(v4), NOW).keyId();
        HostPublicKey expected = new HostPublicKey(id, "x25519", key);
        assertEquals(List.of(expected), hosts.keysOf(id));
        assertEquals(Optional.empty(), hosts.publicKeyFor(v4, "x25519"), "pending");
        assertTrue(hosts.approve(id, NOW));
        assertEquals(expected, hosts.publicKeyFor(v4, "x25519").orElseThrow());
        assertThrows(DuplicateEntryException.class, () -> hosts.addKey(expected, NOW));
        assertTrue(hosts.revoke(id, NOW));
        assertEquals(Optional.empty(), hosts.publicKeyFor(v4, "x25519"), "revoked");
    }

    @Test
    void theEnrollmentTlsKeyIsKeptUntilRevocation() {
        byte[] tls = TestStores.publicKey("tls-key");
        KeyId id = hosts.register(TestStores.publicKey("host-t"), List.of(v4), tls, NOW).keyId();
        assertArrayEquals(tls, hosts.tlsPublicKey(id).orElseThrow());
        assertEquals(Optional.empty(), hosts.tlsPublicKey(KeyId.of(TestStores.publicKey("nobody"))));
        assertTrue(hosts.approve(id, NOW));
        assertArrayEquals(tls, hosts.tlsPublicKey(id).orElseThrow());
        assertTrue(hosts.revoke(id, NOW));
        assertEquals(Optional.empty(), hosts.tlsPublicKey(id), "forgotten on revocation");
        assertThrows(IllegalArgumentException.class, () -> hosts.register(TestStores.publicKey("big"),
                List.of(v6), new byte[HostDirectory.MAX_TLS_KEY_BYTES + 1], NOW));
    }

    @Test
    void anAddressIsBoundToOneHostOnlyAndOnlyByApproval() {
        KeyId one = hosts.register(TestStores.publicKey("one"), List.of(v4), NOW).keyId();
        byte[] otherKey = TestStores.publicKey("two");
        KeyId other = hosts.register(otherKey, List.of(v6, v4), NOW).keyId(); // a request reserves nothing
        assertTrue(hosts.approve(other, NOW), "the first approval binds");
        assertEquals(Map.of(v4, other), hosts.conflicts(one));
        AddressConflictException e = assertThrows(AddressConflictException.class, () -> hosts.approve(one, NOW));
        assertEquals(Map.of(v4, other), e.conflicts());
        assertEquals(HostState.PENDING, hosts.host(one).orElseThrow().state(), "nothing changed");
        assertTrue(hosts.revoke(other, NOW), "revocation releases the addresses");
        assertEquals(Map.of(), hosts.conflicts(one));
        assertTrue(hosts.approve(one, NOW));
        assertEquals(KeyId.of(TestStores.publicKey("one")), hosts.publicKeyFor(v4, "x25519").orElseThrow().keyId());
        assertEquals(Optional.of(one), hosts.releaseAddress(v4));
        assertEquals(Optional.empty(), hosts.publicKeyFor(v4, "x25519"), "released");
        assertTrue(hosts.delete(one));
        assertEquals(Optional.empty(), hosts.host(one));
        assertFalse(hosts.delete(one));
    }

    @Test
    void pendingRequestsExpire() {
        KeyId old = hosts.register(TestStores.publicKey("old"), List.of(v4), NOW).keyId();
        KeyId young = hosts.register(TestStores.publicKey("young"), List.of(v4), NOW.plusSeconds(10)).keyId();
        KeyId approved = hosts.register(TestStores.publicKey("approved"), List.of(v6), NOW).keyId();
        assertTrue(hosts.approve(approved, NOW));
        assertEquals(List.of(old), hosts.deletePendingBefore(NOW.plusSeconds(5)));
        assertEquals(Optional.empty(), hosts.host(old));
        assertTrue(hosts.host(young).isPresent());
        assertTrue(hosts.host(approved).isPresent(), "only pending requests expire");
    }

    @Test
    void keyForUnknownHostIsRefused() {
        HostPublicKey orphan = new HostPublicKey(KeyId.of(TestStores.publicKey("x")), "aes-256",
                TestStores.publicKey("x"));
        assertThrows(StoreException.class, () -> hosts.addKey(orphan, NOW));
    }

    @Test
    void revokeAndApproveOfUnknownHostReturnFalse() {
        KeyId unknown = KeyId.of(TestStores.publicKey("nobody"));
        assertFalse(hosts.approve(unknown, NOW));
        assertFalse(hosts.revoke(unknown, NOW));
    }
}
