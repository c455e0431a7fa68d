package net.zcc.keyserver.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.store.HostDirectory;
import net.zcc.keyserver.store.KeyStoreDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The store-backed revocation check and its short cache. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostAccessTest {

    @TempDir
    Path home;

    @Test
    void approvedOnlyInvalidateIsImmediateOutsideChangesWaitAtMostTheTtl() throws Exception {
        try (KeyStoreDatabase db = KeyStoreDatabase.open(home, "zcc", "correct horse battery".toCharArray())) {
            HostDirectory hosts = new HostDirectory(db);
            byte[] key = new byte[32];
            key[0] = 1;
            KeyId id = hosts.register(key, List.of(InetAddress.getByName("198.18.11.1")), Instant.now()).keyId();
            KeyId admin = KeyId.of(new byte[32]);
            HostAccess access = new HostAccess(hosts, Set.of(admin), Duration.ofMillis(300));

            assertFalse(access.isApprovedHost(id), "pending");
            assertTrue(access.hostsAndAdmins().isAllowed(admin));
            assertFalse(access.hostsOnly().isAllowed(admin), "admins do not use the relay");
            hosts.approve(id, Instant.now());
            access.invalidate(id);
            assertTrue(access.isApprovedHost(id));

            // A change the check is not told about (another process) shows within the TTL.
            hosts.revoke(id, Instant.now());
            long t0 = System.nanoTime();
            while (access.isApprovedHost(id)) {
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "cache outlived its TTL");
                Thread.sleep(20);
            }
            assertTrue(System.nanoTime() - t0 <= TimeUnit.MILLISECONDS.toNanos(300 + 1_000), "within TTL + scheduling slack");
        }
    }
}
