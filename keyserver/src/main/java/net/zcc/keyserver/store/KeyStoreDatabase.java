package net.zcc.keyserver.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import net.zcc.contract.files.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key server's database: an embedded Derby database in {@code <home>/keystore}, reached
 * through JDBC only. Opening creates it if missing, hardens it (NATIVE authentication,
 * owner-only files) and migrates the schema to the newest version.
 */
public final class KeyStoreDatabase implements AutoCloseable {
    /** Name of the database directory inside the home directory. */
    public static final String DATABASE_DIRECTORY = "keystore";

    private static final Logger LOG = LoggerFactory.getLogger(KeyStoreDatabase.class);
    private static final Pattern USER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,29}");
    private static final int ATTEMPTS = 3;

    private final Path databaseDirectory;
    private final Properties credentials;
    private final String url;
    private final int schemaVersion;
    private volatile boolean closed;

    private KeyStoreDatabase(Path databaseDirectory, Properties credentials, int schemaVersion) {
        this.databaseDirectory = databaseDirectory;
        this.credentials = credentials;
        this.url = DerbyDialect.url(databaseDirectory);
        this.schemaVersion = schemaVersion;
    }

    /**
     * Opens (or creates) the store under {@code home}, which is created 0700 if missing.
     * A new database gets {@code user}/{@code password} as its only NATIVE credentials; an
     * existing one must accept them.
     *
     * @throws StoreException if the credentials are refused, the database is not hardened,
     *     its schema is newer than this code, or a file is readable by group or others
     */
    public static KeyStoreDatabase open(Path home, String user, char[] password) {
        return open(home, user, password, SchemaMigrations.ALL);
    }

    static KeyStoreDatabase open(Path home, String user, char[] password, List<Migration> steps) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("the database user is a plain SQL identifier");
        }
        if (password == null || password.length < 12) {
            throw new IllegalArgumentException("the database password has at least 12 characters");
        }
        DerbyDialect.prepareEngine();
        Path dir = home.resolve(DATABASE_DIRECTORY);
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", new String(password));
        try {
            OwnerOnlyFiles.createDirectory(home);
            Files.setPosixFilePermissions(home, OwnerOnlyFiles.OWNER_DIRECTORY); // an existing home is narrowed too
            if (!DerbyDialect.exists(dir)) {
                createHardened(dir, user, password, credentials);
            }
            int version;
            try (Connection c = DriverManager.getConnection(DerbyDialect.url(dir), credentials)) {
                DerbyDialect.verifyHardened(c);
                version = SchemaMigrator.migrate(c, steps, Clock.systemUTC().millis());
            } catch (SQLException | RuntimeException e) {
                shutdownQuietly(dir, credentials, e);
                throw e;
            }
            KeyStoreDatabase db = new KeyStoreDatabase(dir, credentials, version);
            db.refuseExposedFiles(home);
            LOG.info("key store open at {} (schema version {})", dir, version);
            return db;
        } catch (SQLException e) {
            if (DerbyDialect.isAuthenticationFailure(e)) {
                throw new StoreException("the key store refused the credentials of user " + user, e);
            }
            throw new StoreException("cannot open the key store at " + dir, e);
        } catch (IOException e) {
            throw new StoreException("cannot secure the key store directory " + home, e);
        }
    }

    private static void createHardened(Path dir, String user, char[] password,
                                       Properties credentials) throws SQLException {
        try (Connection owner = DerbyDialect.create(dir, credentials)) {
            DerbyDialect.harden(owner, user, password);
        }
        // NATIVE authentication and sqlAuthorization take effect at the next boot.
        DerbyDialect.shutdown(dir, credentials);
        LOG.info("created key store at {}", dir);
    }

    /** A refused open must not leave the database booted (and locked) in this JVM. */
    private static void shutdownQuietly(Path dir, Properties credentials, Exception reason) {
        try {
            DerbyDialect.shutdown(dir, credentials);
        } catch (SQLException e) {
            // With bad credentials the shutdown is refused too; the first error is what matters.
            reason.addSuppressed(e);
        }
    }

    private void refuseExposedFiles(Path home) throws IOException {
        List<Path> exposed = OwnerOnlyFiles.exposed(home);
        if (!exposed.isEmpty()) {
            close();
            throw new StoreException("refusing the key store: group or others may access "
                    + exposed.size() + " path(s), e.g. " + exposed.get(0));
        }
    }

    /** The schema version the database was migrated to when it was opened. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** The Derby database directory (for operators and tests; never open it twice). */
    public Path databaseDirectory() {
        return databaseDirectory;
    }

    /** Work done inside one transaction. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on a fresh connection and commits it. Deadlocks
     * and lock timeouts are retried a bounded number of times; anything else rolls back and
     * surfaces as a {@link StoreException} (or the work's own runtime exception).
     */
    <T> T inTransaction(String what, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                throw new StoreException("the key store is closed");
            }
            try (Connection c = DriverManager.getConnection(url, credentials)) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (DerbyDialect.isRetryable(e) && attempt < ATTEMPTS) {
                    continue;
                }
                if ("23505".equals(e.getSQLState())) {
                    throw new DuplicateEntryException(what, e);
                }
                throw new StoreException(what + " failed", e);
            }
        }
    }

    /**
     * Online backup: Derby's {@code SYSCS_UTIL.SYSCS_BACKUP_DATABASE} copies the running database,
     * consistent as of one moment, to {@code parent/}{@value #DATABASE_DIRECTORY} while readers and
     * writers go on (writes wait while the data files are copied). The copy opens with the same
     * credentials, as a home's {@value #DATABASE_DIRECTORY} directory.
     */
    public void backupTo(Path parent) {
        inTransaction("online backup", c -> {
            try (java.sql.CallableStatement call = c.prepareCall("CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)")) {
                call.setString(1, parent.toAbsolutePath().toString());
                call.execute();
            }
            return null;
        });
    }

    /** Shuts the Derby database down so its files are consistent and can be reopened. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            DerbyDialect.shutdown(databaseDirectory, credentials);
        } catch (SQLException e) {
            throw new StoreException("cannot shut down the key store at " + databaseDirectory, e);
        }
    }
}
