package net.zcc.keyserver.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import net.zcc.contract.KeyId;
import net.zcc.contract.files.OwnerOnlyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreDatabaseTest {
    private static final int LATEST = SchemaMigrations.latestVersion();
    private static final Migration EXTRA = new Migration(LATEST + 1, List.of("CREATE TABLE EXTRA_STEP (N INTEGER)"));
    private static final List<Migration> FIRST_ONLY = List.of(SchemaMigrations.ALL.get(0));

    @TempDir
    Path home;

    @Test
    void newDatabaseIsMigratedToTheLatestVersionAndReopensIdempotently() {
        try (KeyStoreDatabase db = TestStores.open(home)) {
            assertEquals(SchemaMigrations.latestVersion(), db.schemaVersion());
        }
        try (KeyStoreDatabase db = TestStores.open(home)) {
            assertEquals(SchemaMigrations.latestVersion(), db.schemaVersion());
            assertEquals(SchemaMigrations.ALL.size(), count(db, "SELECT COUNT(*) FROM SCHEMA_VERSION"), "one row per step");
        }
    }

    @Test
    void reopenKeepsData() throws Exception {
        byte[] key = TestStores.publicKey("a");
        Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
        try (KeyStoreDatabase db = TestStores.open(home)) {
            new HostDirectory(db).register(key, List.of(InetAddress.getByName("198.18.10.1")), now);
        }
        try (KeyStoreDatabase db = TestStores.open(home)) {
            Host host = new HostDirectory(db).host(KeyId.of(key)).orElseThrow();
            assertEquals(HostState.PENDING, host.state());
            assertEquals(now, host.createdAt());
            assertEquals(List.of(InetAddress.getByName("198.18.10.1")), host.addresses());
        }
    }

    @Test
    void laterStepIsAppliedOnReopen() {
        KeyStoreDatabase.open(home, TestStores.USER, TestStores.PASSWORD.toCharArray(),
                SchemaMigrations.ALL).close();
        try (KeyStoreDatabase db = KeyStoreDatabase.open(home, TestStores.USER,
                TestStores.PASSWORD.toCharArray(), withExtra())) {
            assertEquals(LATEST + 1, db.schemaVersion());
            assertEquals(0, count(db, "SELECT COUNT(*) FROM EXTRA_STEP"));
        }
    }

    @Test
    void aVersionOneStoreIsMigratedKeepingItsHostsWithoutATlsKey() throws Exception {
        byte[] key = TestStores.publicKey("old");
        Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
        try (KeyStoreDatabase db = KeyStoreDatabase.open(home, TestStores.USER, TestStores.PASSWORD.toCharArray(),
                FIRST_ONLY)) {
            db.inTransaction("a version-1 host", c -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO HOSTS (KEY_ID, HOST_STATE, CREATED_AT_MS, UPDATED_AT_MS)"
                            + " VALUES ('" + KeyId.of(key).hex() + "', 'PENDING', 1, 1)");
                }
            });
        }
        try (KeyStoreDatabase db = TestStores.open(home)) {
            assertEquals(LATEST, db.schemaVersion());
            HostDirectory hosts = new HostDirectory(db);
            assertEquals(HostState.PENDING, hosts.host(KeyId.of(key)).orElseThrow().state());
            assertEquals(java.util.Optional.empty(), hosts.tlsPublicKey(KeyId.of(key)), "none on record");
            byte[] tls = TestStores.publicKey("tls");
            KeyId fresh = hosts.register(TestStores.publicKey("new"), List.of(InetAddress.getByName("198.18.10.7")),
                    tls, now).keyId();
            assertArrayEquals(tls, hosts.tlsPublicKey(fresh).orElseThrow());
        }
    }

    @Test
    void failedStepRollsBackEntirely() {
        KeyStoreDatabase.open(home, TestStores.USER, TestStores.PASSWORD.toCharArray(), FIRST_ONLY).close();
        Migration broken = new Migration(2, List.of("CREATE TABLE HALF_DONE (N INTEGER)", "NOT SQL"));
        assertThrows(StoreException.class, () -> KeyStoreDatabase.open(home, TestStores.USER,
                TestStores.PASSWORD.toCharArray(), List.of(SchemaMigrations.ALL.get(0), broken)));
        try (KeyStoreDatabase db = KeyStoreDatabase.open(home, TestStores.USER, TestStores.PASSWORD.toCharArray(),
                FIRST_ONLY)) {
            assertEquals(1, db.schemaVersion());
            assertThrows(StoreException.class, () -> count(db, "SELECT COUNT(*) FROM HALF_DONE"));
        }
    }

    @Test
    void newerSchemaIsRefused() {
        KeyStoreDatabase.open(home, TestStores.USER, TestStores.PASSWORD.toCharArray(), withExtra()).close();
        StoreException e = assertThrows(StoreException.class, () -> TestStores.open(home));
        assertTrue(rootMessage(e).contains("version " + (LATEST + 1)), rootMessage(e));
        assertTrue(rootMessage(e).contains("knows only up to version " + LATEST), rootMessage(e));
    }

    @Test
    void wrongPasswordIsRefused() {
        TestStores.open(home).close();
        StoreException e = assertThrows(StoreException.class, () -> KeyStoreDatabase.open(
                home, TestStores.USER, "wrong password!".toCharArray()));
        assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
        assertThrows(StoreException.class, () -> KeyStoreDatabase.open(
                home, "intruder", TestStores.PASSWORD.toCharArray()));
    }

    @Test
    void noFileIsAccessibleByGroupOrOthers() throws Exception {
        try (KeyStoreDatabase db = TestStores.open(home)) {
            new EnrollmentTokens(db).issue(Instant.now(), java.time.Duration.ofMinutes(5));
            assertEquals(List.of(), OwnerOnlyFiles.exposed(home));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
            assertTrue(Files.exists(db.databaseDirectory().resolve("service.properties")));
        }
        assertEquals(List.of(), OwnerOnlyFiles.exposed(home));
    }

    @Test
    void exposedFileIsRefusedOnOpen() throws Exception {
        TestStores.open(home).close();
        Path props = home.resolve(KeyStoreDatabase.DATABASE_DIRECTORY).resolve("service.properties");
        Files.setPosixFilePermissions(props, PosixFilePermissions.fromString("rw-r--r--"));
        StoreException e = assertThrows(StoreException.class, () -> TestStores.open(home));
        assertTrue(e.getMessage().contains("group or others"), e.getMessage());
    }

    private static List<Migration> withExtra() {
        List<Migration> all = new java.util.ArrayList<>(SchemaMigrations.ALL);
        all.add(EXTRA);
        return all;
    }

    private static long count(KeyStoreDatabase db, String sql) {
        return db.inTransaction("count", c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
