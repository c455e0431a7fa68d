package net.zcc.keyserver.store;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcMethods;

/**
 * Hosts, their addresses and their public keys. Each method is one transaction. Only
 * public material is stored.
 */
public final class HostDirectory {
    private final KeyStoreDatabase db;

    /** Works on the given open store. */
    public HostDirectory(KeyStoreDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Longest TLS public key kept (DER); the column holds twice this many hex digits. */
    public static final int MAX_TLS_KEY_BYTES = 1024;

    /** As {@link #register(byte[], List, byte[], Instant)} with no TLS key on record. */
    public Host register(byte[] staticPublicKey, List<InetAddress> addresses, Instant now) {
        return register(staticPublicKey, addresses, null, now);
    }

    /**
     * Registers a host as {@link HostState#PENDING} under the key id of its X25519 static
     * public key, owning {@code addresses}, in one transaction with its static key (scheme
     * {@link RpcMethods#X25519_SCHEME}, served once the host is approved) and the TLS
     * public key it will ask a certificate for (kept in the store so a restart does not lose it).
     *
     * @param tlsPublicKey DER SubjectPublicKeyInfo, at most {@link #MAX_TLS_KEY_BYTES}; null for none
     * <p>The addresses are only requested: a pending host reserves nothing, and another request
     * may name the same addresses. {@link #approve} binds them.
     *
     * @throws DuplicateEntryException if the key id is taken
     */
    public Host register(byte[] staticPublicKey, List<InetAddress> addresses, byte[] tlsPublicKey, Instant now) {
        KeyId id = KeyId.of(staticPublicKey);
        HostPublicKey staticKey = new HostPublicKey(id, RpcMethods.X25519_SCHEME, staticPublicKey);
        List<InetAddress> owned = List.copyOf(addresses);
        if (owned.isEmpty()) {
            throw new IllegalArgumentException("a host owns at least one address");
        }
        if (tlsPublicKey != null && (tlsPublicKey.length == 0 || tlsPublicKey.length > MAX_TLS_KEY_BYTES)) {
            throw new IllegalArgumentException("a TLS public key is 1.." + MAX_TLS_KEY_BYTES + " bytes");
        }
        String tlsHex = tlsPublicKey == null ? null : HexFormat.of().formatHex(tlsPublicKey);
        long at = now.toEpochMilli();
        return db.inTransaction("registering host " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO HOSTS (KEY_ID, HOST_STATE,"
                    + " CREATED_AT_MS, UPDATED_AT_MS, TLS_PUBLIC_KEY_HEX) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, id.hex());
                ps.setString(2, HostState.PENDING.name());
                ps.setLong(3, at);
                ps.setLong(4, at);
                ps.setString(5, tlsHex);
                ps.executeUpdate();
            }
            insertKey(c, staticKey, at);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO PENDING_ADDRESSES (ADDRESS, KEY_ID) VALUES (?, ?)")) {
                for (String address : owned.stream().map(AddressText::of).distinct().toList()) {
                    ps.setString(1, address);
                    ps.setString(2, id.hex());
                    ps.executeUpdate();
                }
            }
            return readHost(c, id).orElseThrow();
        });
    }

    /**
     * The TLS public key (DER) {@code id} enrolled with; empty for an unknown host, one registered
     * without it, or a revoked one.
     */
    public Optional<byte[]> tlsPublicKey(KeyId id) {
        return db.inTransaction("reading the TLS key of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT TLS_PUBLIC_KEY_HEX FROM HOSTS WHERE KEY_ID = ?")) {
                ps.setString(1, id.hex());
                try (ResultSet rs = ps.executeQuery()) {
                    String hex = rs.next() ? rs.getString(1) : null;
                    return Optional.ofNullable(hex).map(HexFormat.of()::parseHex);
                }
            }
        });
    }

    /** The host with this key id, if any. */
    public Optional<Host> host(KeyId id) {
        return db.inTransaction("reading host " + id, c -> readHost(c, id));
    }

    /**
     * Approves a pending host and binds the addresses it asked for, in one transaction; returns
     * false if it is unknown or not pending.
     *
     * @throws AddressConflictException if one of them is bound to another host (nothing changes)
     */
    public boolean approve(KeyId id, Instant now) {
        return db.inTransaction("approving host " + id, c -> {
            if (!HostState.PENDING.equals(state(c, id))) {
                return false;
            }
            Map<InetAddress, KeyId> conflicts = conflicts(c, id);
            if (!conflicts.isEmpty()) {
                throw new AddressConflictException(conflicts);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO HOST_ADDRESSES (ADDRESS, KEY_ID)"
                    + " SELECT ADDRESS, KEY_ID FROM PENDING_ADDRESSES WHERE KEY_ID = ?")) {
                ps.setString(1, id.hex());
                ps.executeUpdate();
            }
            deleteWhereKeyId(c, "PENDING_ADDRESSES", id);
            return setState(c, id, HostState.PENDING, HostState.APPROVED, now);
        });
    }

    /** The requested addresses of a pending host that are bound to another host, with their owner. */
    public Map<InetAddress, KeyId> conflicts(KeyId id) {
        return db.inTransaction("checking the addresses of " + id, c -> conflicts(c, id));
    }

    /**
     * Deletes a host with its addresses (bound or requested) and keys; returns false if unknown.
     * The same static key may then enroll again with a new token.
     */
    public boolean delete(KeyId id) {
        return db.inTransaction("deleting host " + id, c -> deleteWhereKeyId(c, "HOSTS", id) == 1);
    }

    /** Unbinds {@code address} from whichever host owns it; returns that host, if any. */
    public Optional<KeyId> releaseAddress(InetAddress address) {
        String text = AddressText.of(address);
        return db.inTransaction("releasing " + text, c -> {
            Optional<KeyId> owner;
            try (PreparedStatement ps = c.prepareStatement("SELECT KEY_ID FROM HOST_ADDRESSES WHERE ADDRESS = ?")) {
                ps.setString(1, text);
                try (ResultSet rs = ps.executeQuery()) {
                    owner = rs.next() ? Optional.of(new KeyId(rs.getString(1))) : Optional.empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM HOST_ADDRESSES WHERE ADDRESS = ?")) {
                ps.setString(1, text);
                ps.executeUpdate();
            }
            return owner;
        });
    }

    /** Deletes pending hosts created before {@code cutoff}; returns their key ids. */
    public List<KeyId> deletePendingBefore(Instant cutoff) {
        return db.inTransaction("deleting expired enrollment requests", c -> {
            List<KeyId> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT KEY_ID FROM HOSTS WHERE HOST_STATE = ? AND CREATED_AT_MS < ?")) {
                ps.setString(1, HostState.PENDING.name());
                ps.setLong(2, cutoff.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(new KeyId(rs.getString(1)));
                    }
                }
            }
            for (KeyId id : ids) {
                deleteWhereKeyId(c, "HOSTS", id);
            }
            return ids;
        });
    }

    /** The host's current client certificate (PEM, public), if one was issued since schema step 3. */
    public Optional<String> certificate(KeyId id) {
        return db.inTransaction("reading the certificate of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT CERT_PEM FROM HOSTS WHERE KEY_ID = ?")) {
                ps.setString(1, id.hex());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /**
     * Records {@code pem} as the host's current certificate if the current one is still
     * {@code expected} (null: none), so of two racing issuers only one wins; returns whether it did.
     */
    public boolean replaceCertificate(KeyId id, String expected, String pem) {
        return db.inTransaction("recording the certificate of " + id, c -> {
            String sql = "UPDATE HOSTS SET CERT_PEM = ? WHERE KEY_ID = ? AND HOST_STATE = ? AND "
                    + (expected == null ? "CERT_PEM IS NULL" : "CERT_PEM = ?");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, pem);
                ps.setString(2, id.hex());
                ps.setString(3, HostState.APPROVED.name());
                if (expected != null) {
                    ps.setString(4, expected);
                }
                return ps.executeUpdate() == 1;
            }
        });
    }

    private static Map<InetAddress, KeyId> conflicts(Connection c, KeyId id) throws SQLException {
        Map<InetAddress, KeyId> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT P.ADDRESS, A.KEY_ID FROM PENDING_ADDRESSES P"
                + " JOIN HOST_ADDRESSES A ON A.ADDRESS = P.ADDRESS WHERE P.KEY_ID = ? AND A.KEY_ID <> ?"
                + " ORDER BY P.ADDRESS")) {
            ps.setString(1, id.hex());
            ps.setString(2, id.hex());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(AddressText.parse(rs.getString(1)), new KeyId(rs.getString(2)));
                }
            }
        }
        return out;
    }

    private static HostState state(Connection c, KeyId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT HOST_STATE FROM HOSTS WHERE KEY_ID = ?")) {
            ps.setString(1, id.hex());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? HostState.valueOf(rs.getString(1)) : null;
            }
        }
    }

    private static int deleteWhereKeyId(Connection c, String table, KeyId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE KEY_ID = ?")) {
            ps.setString(1, id.hex());
            return ps.executeUpdate();
        }
    }

    /**
     * Revokes a host for good; returns false if it is unknown or already revoked. Its TLS key and
     * certificate are forgotten too (nothing may be certified for it again), and its addresses
     * released, so a replacement host can enroll at them.
     */
    public boolean revoke(KeyId id, Instant now) {
        long at = now.toEpochMilli();
        return db.inTransaction("revoking host " + id, c -> {
            boolean changed;
            try (PreparedStatement ps = c.prepareStatement("UPDATE HOSTS SET HOST_STATE = ?, UPDATED_AT_MS = ?,"
                    + " TLS_PUBLIC_KEY_HEX = NULL, CERT_PEM = NULL WHERE KEY_ID = ? AND HOST_STATE <> ?")) {
                ps.setString(1, HostState.REVOKED.name());
                ps.setLong(2, at);
                ps.setString(3, id.hex());
                ps.setString(4, HostState.REVOKED.name());
                changed = ps.executeUpdate() == 1;
            }
            deleteWhereKeyId(c, "HOST_ADDRESSES", id);
            deleteWhereKeyId(c, "PENDING_ADDRESSES", id);
            return changed;
        });
    }

    /**
     * Adds the key for a (host, scheme).
     *
     * @throws DuplicateEntryException if that host already has a key for the scheme
     * @throws StoreException if the host is unknown
     */
    public void addKey(HostPublicKey key, Instant now) {
        db.inTransaction("adding the " + key.scheme() + " key of " + key.keyId(),
                c -> insertKey(c, key, now.toEpochMilli()));
    }

    private static int insertKey(Connection c, HostPublicKey key, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO PUBLIC_KEYS"
                + " (KEY_ID, SCHEME, PUBLIC_KEY_HEX, UPDATED_AT_MS) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, key.keyId().hex());
            ps.setString(2, key.scheme());
            ps.setString(3, key.publicKeyHex());
            ps.setLong(4, at);
            return ps.executeUpdate();
        }
    }

    /** Replaces the key for a (host, scheme); returns false if there was none. */
    public boolean modifyKey(HostPublicKey key, Instant now) {
        return db.inTransaction("modifying the " + key.scheme() + " key of " + key.keyId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE PUBLIC_KEYS SET"
                    + " PUBLIC_KEY_HEX = ?, UPDATED_AT_MS = ? WHERE KEY_ID = ? AND SCHEME = ?")) {
                ps.setString(1, key.publicKeyHex());
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, key.keyId().hex());
                ps.setString(4, key.scheme());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Deletes the key for a (host, scheme); returns false if there was none. */
    public boolean deleteKey(KeyId id, String scheme) {
        HostPublicKey.requireScheme(scheme);
        return db.inTransaction("deleting the " + scheme + " key of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM PUBLIC_KEYS WHERE KEY_ID = ? AND SCHEME = ?")) {
                ps.setString(1, id.hex());
                ps.setString(2, scheme);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** All keys of a host, whatever its state (for administrators). */
    public List<HostPublicKey> keysOf(KeyId id) {
        return db.inTransaction("listing the keys of " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT KEY_ID, SCHEME, PUBLIC_KEY_HEX"
                    + " FROM PUBLIC_KEYS WHERE KEY_ID = ? ORDER BY SCHEME")) {
                ps.setString(1, id.hex());
                List<HostPublicKey> keys = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(toKey(rs));
                    }
                }
                return keys;
            }
        });
    }

    /**
     * The seed's lookup: the key of the host owning {@code hostAddress} for {@code scheme}.
     * Empty unless that host is {@link HostState#APPROVED}.
     */
    public Optional<HostPublicKey> publicKeyFor(InetAddress hostAddress, String scheme) {
        HostPublicKey.requireScheme(scheme);
        String address = AddressText.of(hostAddress);
        return db.inTransaction("looking up the " + scheme + " key of " + address, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT K.KEY_ID, K.SCHEME,"
                    + " K.PUBLIC_KEY_HEX FROM HOST_ADDRESSES A"
                    + " JOIN HOSTS H ON H.KEY_ID = A.KEY_ID"
                    + " JOIN PUBLIC_KEYS K ON K.KEY_ID = H.KEY_ID"
                    + " WHERE A.ADDRESS = ? AND K.SCHEME = ? AND H.HOST_STATE = ?")) {
                ps.setString(1, address);
                ps.setString(2, scheme);
                ps.setString(3, HostState.APPROVED.name());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(toKey(rs)) : Optional.<HostPublicKey>empty();
                }
            }
        });
    }

    /** Every host, in key id order, each with its addresses and state (the admin's listing). */
    public List<Host> hosts() {
        return db.inTransaction("listing hosts", c -> {
            List<KeyId> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT KEY_ID FROM HOSTS ORDER BY KEY_ID");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(new KeyId(rs.getString(1)));
                }
            }
            List<Host> all = new ArrayList<>(ids.size());
            for (KeyId id : ids) {
                readHost(c, id).ifPresent(all::add);
            }
            return all;
        });
    }

    private static boolean setState(Connection c, KeyId id, HostState from, HostState to, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE HOSTS SET HOST_STATE = ?,"
                + " UPDATED_AT_MS = ? WHERE KEY_ID = ? AND HOST_STATE = ?")) {
            ps.setString(1, to.name());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, id.hex());
            ps.setString(4, from.name());
            return ps.executeUpdate() == 1;
        }
    }

    private static Optional<Host> readHost(Connection c, KeyId id) throws SQLException {
        HostState state;
        Instant created;
        Instant updated;
        try (PreparedStatement ps = c.prepareStatement("SELECT HOST_STATE, CREATED_AT_MS,"
                + " UPDATED_AT_MS FROM HOSTS WHERE KEY_ID = ?")) {
            ps.setString(1, id.hex());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                state = HostState.valueOf(rs.getString(1));
                created = Instant.ofEpochMilli(rs.getLong(2));
                updated = Instant.ofEpochMilli(rs.getLong(3));
            }
        }
        // Bound addresses (approved hosts) and requested ones (pending hosts): a host has one kind.
        List<InetAddress> addresses = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ADDRESS FROM HOST_ADDRESSES WHERE KEY_ID = ?"
                + " UNION SELECT ADDRESS FROM PENDING_ADDRESSES WHERE KEY_ID = ? ORDER BY 1")) {
            ps.setString(2, id.hex());
            ps.setString(1, id.hex());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    addresses.add(AddressText.parse(rs.getString(1)));
                }
            }
        }
        return Optional.of(new Host(id, addresses, state, created, updated));
    }

    private static HostPublicKey toKey(ResultSet rs) throws SQLException {
        return new HostPublicKey(new KeyId(rs.getString(1)), rs.getString(2),
                HexFormat.of().parseHex(rs.getString(3)));
    }
}
