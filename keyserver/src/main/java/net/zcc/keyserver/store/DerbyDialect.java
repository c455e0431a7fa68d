package net.zcc.keyserver.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * Everything Derby-specific in the store: the URL, the engine's system properties, the
 * hardening calls and shutdown. The rest of the package speaks portable SQL over JDBC, so a
 * PostgreSQL twin of this class is all another database needs.
 */
final class DerbyDialect {
    private static final String URL_PREFIX = "jdbc:derby:directory:";
    private static final String NATIVE_LOCAL = "NATIVE::LOCAL";
    private static final String PROVIDER = "derby.authentication.provider";

    private DerbyDialect() {
    }

    /**
     * Sets the system properties Derby reads only from the JVM, before the engine boots.
     * These two have no database-level form, which is why they are system properties:
     * <ul>
     * <li>{@code derby.storage.useDefaultFilePermissions=false}: embedded Derby otherwise
     * creates files with the umask (often world-readable); false makes them owner-only.</li>
     * <li>{@code derby.stream.error.field}: sends derby.log to slf4j instead of a file in
     * the working directory, unless the operator chose a destination.</li>
     * </ul>
     * A JVM-wide LDAP provider is refused outright (CVE-2022-46337).
     */
    static synchronized void prepareEngine() {
        String provider = System.getProperty(PROVIDER, "");
        if (provider.toUpperCase(Locale.ROOT).contains("LDAP")) {
            throw new StoreException("refusing to start: " + PROVIDER
                    + " selects LDAP (CVE-2022-46337); the key store uses NATIVE authentication");
        }
        System.setProperty("derby.storage.useDefaultFilePermissions", "false");
        if (System.getProperty("derby.stream.error.file") == null
                && System.getProperty("derby.stream.error.method") == null
                && System.getProperty("derby.stream.error.field") == null) {
            System.setProperty("derby.stream.error.field",
                    DerbyErrorStream.class.getName() + ".SINK");
        }
    }

    /** The JDBC URL of the database in {@code dir}; attributes never carry the password. */
    static String url(Path dir) {
        String path = dir.toAbsolutePath().normalize().toString();
        if (path.contains(";")) {
            throw new IllegalArgumentException("a ';' in the store path would start a URL attribute");
        }
        return URL_PREFIX + path;
    }

    /** True when {@code dir} already holds a Derby database. */
    static boolean exists(Path dir) {
        return Files.exists(dir.resolve("service.properties"));
    }

    /** Creates a new database and returns a connection as its owner (the DBO). */
    static Connection create(Path dir, Properties credentials) throws SQLException {
        return DriverManager.getConnection(url(dir) + ";create=true", credentials);
    }

    /**
     * Hardens a new database, connected as its owner. Creating the owner's NATIVE credentials
     * switches Derby to NATIVE::LOCAL (effective from the next boot); propertiesOnly stops a
     * JVM-wide property (e.g. an LDAP provider) from overriding the database's own settings.
     */
    static void harden(Connection owner, String user, char[] password) throws SQLException {
        try (CallableStatement call = owner.prepareCall("CALL SYSCS_UTIL.SYSCS_CREATE_USER(?, ?)")) {
            call.setString(1, user);
            call.setString(2, new String(password));
            call.execute();
        }
        if (!NATIVE_LOCAL.equals(databaseProperty(owner, PROVIDER))) {
            setDatabaseProperty(owner, PROVIDER, NATIVE_LOCAL);
        }
        setDatabaseProperty(owner, "derby.database.propertiesOnly", "true");
        setDatabaseProperty(owner, "derby.database.sqlAuthorization", "true");
    }

    /** Refuses a database that does not authenticate with NATIVE::LOCAL. */
    static void verifyHardened(Connection c) throws SQLException {
        String provider = databaseProperty(c, PROVIDER);
        if (!NATIVE_LOCAL.equals(provider)) {
            throw new StoreException("refusing the database: authentication provider is "
                    + provider + ", expected " + NATIVE_LOCAL);
        }
    }

    /** Shuts the database down (not the engine), flushing and closing its files. */
    static void shutdown(Path dir, Properties credentials) throws SQLException {
        try {
            DriverManager.getConnection(url(dir) + ";shutdown=true", credentials).close();
        } catch (SQLException e) {
            // Derby reports a successful database shutdown as SQLState 08006.
            if (!"08006".equals(e.getSQLState())) {
                throw e;
            }
            return;
        }
        throw new SQLException("Derby did not confirm the shutdown of " + dir);
    }

    /** True for errors after which the whole transaction may be tried again. */
    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        // 40001: deadlock/serialization failure (standard); 40XL1: Derby lock timeout.
        return "40001".equals(state) || "40XL1".equals(state);
    }

    /** True when the connection was refused for bad credentials. */
    static boolean isAuthenticationFailure(SQLException e) {
        return "08004".equals(e.getSQLState());
    }

    private static String databaseProperty(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "VALUES SYSCS_UTIL.SYSCS_GET_DATABASE_PROPERTY(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void setDatabaseProperty(Connection c, String name, String value)
            throws SQLException {
        try (CallableStatement call = c.prepareCall(
                "CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY(?, ?)")) {
            call.setString(1, name);
            call.setString(2, value);
            call.execute();
        }
    }
}
