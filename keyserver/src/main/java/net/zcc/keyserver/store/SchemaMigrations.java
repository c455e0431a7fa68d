package net.zcc.keyserver.store;

import java.util.List;

/**
 * The key store's schema, as an ordered list of steps. Append new steps; never edit a
 * released one. Portable SQL only: times are epoch milliseconds in BIGINT (no time-zone
 * surprises), binary keys are hex text, no identifier is quoted.
 */
final class SchemaMigrations {
    private SchemaMigrations() {
    }

    /** Every step the code knows, oldest first. */
    static final List<Migration> ALL = List.of(
            new Migration(1, List.of(
                    "CREATE TABLE SCHEMA_VERSION ("
                            + " VERSION_NUMBER INTEGER NOT NULL PRIMARY KEY,"
                            + " APPLIED_AT_MS BIGINT NOT NULL)",
                    "CREATE TABLE HOSTS ("
                            + " KEY_ID CHAR(32) NOT NULL PRIMARY KEY,"
                            + " HOST_STATE VARCHAR(16) NOT NULL CONSTRAINT HOSTS_STATE_CK"
                            + "   CHECK (HOST_STATE IN ('PENDING', 'APPROVED', 'REVOKED')),"
                            + " CREATED_AT_MS BIGINT NOT NULL,"
                            + " UPDATED_AT_MS BIGINT NOT NULL)",
                    // An address belongs to at most one host, so a lookup can never be ambiguous.
                    "CREATE TABLE HOST_ADDRESSES ("
                            + " ADDRESS VARCHAR(64) NOT NULL PRIMARY KEY,"
                            + " KEY_ID CHAR(32) NOT NULL CONSTRAINT HOST_ADDRESSES_HOST_FK"
                            + "   REFERENCES HOSTS (KEY_ID) ON DELETE CASCADE)",
                    "CREATE TABLE PUBLIC_KEYS ("
                            + " KEY_ID CHAR(32) NOT NULL CONSTRAINT PUBLIC_KEYS_HOST_FK"
                            + "   REFERENCES HOSTS (KEY_ID) ON DELETE CASCADE,"
                            + " SCHEME VARCHAR(32) NOT NULL,"
                            + " PUBLIC_KEY_HEX CHAR(64) NOT NULL,"
                            + " UPDATED_AT_MS BIGINT NOT NULL,"
                            + " PRIMARY KEY (KEY_ID, SCHEME))",
                    // Only the SHA-256 of a token is kept: a copy of the database enrolls no one.
                    "CREATE TABLE ENROLLMENT_TOKENS ("
                            + " TOKEN_HASH CHAR(64) NOT NULL PRIMARY KEY,"
                            + " EXPIRES_AT_MS BIGINT NOT NULL,"
                            + " CONSUMED BOOLEAN NOT NULL)")),
            // The TLS public key (DER SubjectPublicKeyInfo, hex) a host gave at enrollment, so a
            // restart between enrollment and approval does not lose it. NULL for hosts registered
            // before this step, and cleared on revocation. Enrollment limits the DER to 1024 bytes.
            new Migration(2, List.of(
                    "ALTER TABLE HOSTS ADD COLUMN TLS_PUBLIC_KEY_HEX VARCHAR(2048)")),
            // Issue 11. A pending request reserves nothing: the addresses it asks for live here,
            // without a uniqueness constraint across hosts, until approval binds them into
            // HOST_ADDRESSES (one owner each). Revoked hosts release theirs. CERT_PEM is the host's
            // current client certificate (public), so a repeated certificate call returns it
            // instead of minting a new one.
            new Migration(3, List.of(
                    "CREATE TABLE PENDING_ADDRESSES ("
                            + " KEY_ID CHAR(32) NOT NULL CONSTRAINT PENDING_ADDRESSES_HOST_FK"
                            + "   REFERENCES HOSTS (KEY_ID) ON DELETE CASCADE,"
                            + " ADDRESS VARCHAR(64) NOT NULL,"
                            + " PRIMARY KEY (KEY_ID, ADDRESS))",
                    "INSERT INTO PENDING_ADDRESSES (KEY_ID, ADDRESS) SELECT A.KEY_ID, A.ADDRESS"
                            + " FROM HOST_ADDRESSES A JOIN HOSTS H ON H.KEY_ID = A.KEY_ID"
                            + " WHERE H.HOST_STATE = 'PENDING'",
                    "DELETE FROM HOST_ADDRESSES WHERE KEY_ID IN"
                            + " (SELECT KEY_ID FROM HOSTS WHERE HOST_STATE <> 'APPROVED')",
                    "ALTER TABLE HOSTS ADD COLUMN CERT_PEM VARCHAR(4096)")));

    /** The schema version this code writes and reads. */
    static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }
}
