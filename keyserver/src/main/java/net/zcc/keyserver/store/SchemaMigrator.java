package net.zcc.keyserver.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/** Brings a database up to the newest schema step, one transaction per step. */
final class SchemaMigrator {
    private SchemaMigrator() {
    }

    /**
     * Applies every step newer than the database's version, in order, and returns the final
     * version. A database newer than the code is refused untouched: old code must not write
     * into a schema it does not understand.
     */
    static int migrate(Connection c, List<Migration> steps, long nowMillis) throws SQLException {
        int known = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).version();
        int current = currentVersion(c);
        if (current > known) {
            throw new StoreException("the key store's schema is version " + current
                    + " but this key server knows only up to version " + known
                    + "; refusing to open it (run a newer key server)");
        }
        for (Migration step : steps) {
            if (step.version() > current) {
                apply(c, step, nowMillis);
                current = step.version();
            }
        }
        return current;
    }

    /** The recorded version, or 0 for a database without a SCHEMA_VERSION table. */
    static int currentVersion(Connection c) throws SQLException {
        if (!tableExists(c, "SCHEMA_VERSION")) {
            return 0;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT MAX(VERSION_NUMBER) FROM SCHEMA_VERSION")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void apply(Connection c, Migration step, long nowMillis) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String sql : step.statements()) {
                s.execute(sql);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO SCHEMA_VERSION (VERSION_NUMBER, APPLIED_AT_MS) VALUES (?, ?)")) {
                ps.setInt(1, step.version());
                ps.setLong(2, nowMillis);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw new StoreException("schema step " + step.version() + " failed; rolled back", e);
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        // Unquoted identifiers are stored upper-case by Derby and lower-case by PostgreSQL.
        String name = meta.storesLowerCaseIdentifiers() ? table.toLowerCase(Locale.ROOT) : table;
        String schema = c.getSchema();
        try (ResultSet rs = meta.getTables(null, schema, name, new String[] {"TABLE"})) {
            return rs.next();
        }
    }
}
