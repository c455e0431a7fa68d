package net.zcc.keyserver.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One-time, expiring enrollment tokens. The store keeps only SHA-256 of each token, so
 * reading the database does not let anyone enroll.
 */
public final class EnrollmentTokens {
    /** Longest lifetime a token may have: enrollment credentials are short-lived. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);
    private static final int TOKEN_BYTES = 32;
    private static final int MAX_TOKEN_CHARS = 128;

    private final KeyStoreDatabase db;
    private final SecureRandom random = new SecureRandom();

    /** Works on the given open store. */
    public EnrollmentTokens(KeyStoreDatabase db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /**
     * Issues a new random token valid for {@code lifetime} from {@code now}
     * (at most {@link #MAX_LIFETIME}). The returned token is not stored anywhere.
     */
    public IssuedToken issue(Instant now, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("a token lives more than 0 and at most " + MAX_LIFETIME);
        }
        byte[] raw = new byte[TOKEN_BYTES];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expiresAt = now.plus(lifetime);
        db.inTransaction("issuing an enrollment token", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ENROLLMENT_TOKENS"
                    + " (TOKEN_HASH, EXPIRES_AT_MS, CONSUMED) VALUES (?, ?, FALSE)")) {
                ps.setString(1, hash(token));
                ps.setLong(2, expiresAt.toEpochMilli());
                return ps.executeUpdate();
            }
        });
        return new IssuedToken(token, expiresAt);
    }

    /**
     * Uses up {@code token}: true exactly once, and only strictly before its expiry. A single
     * conditional UPDATE does check and use together, so of two concurrent callers only
     * one can see its row change.
     */
    public boolean consumeToken(String token, Instant now) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return false;
        }
        String tokenHash = hash(token);
        return db.inTransaction("consuming an enrollment token", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ENROLLMENT_TOKENS"
                    + " SET CONSUMED = TRUE"
                    + " WHERE TOKEN_HASH = ? AND CONSUMED = FALSE AND EXPIRES_AT_MS > ?")) {
                ps.setString(1, tokenHash);
                ps.setLong(2, now.toEpochMilli());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Deletes every token that can no longer enroll anyone: expired ones (expiry at or before
     * {@code now}) and used ones. Nothing reads a used token again: a second use fails the same
     * way whether its row says CONSUMED or is gone, so used rows are not kept at all.
     *
     * @return how many rows were deleted
     */
    public int purgeUnusable(Instant now) {
        return db.inTransaction("purging unusable enrollment tokens", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM ENROLLMENT_TOKENS WHERE CONSUMED = TRUE OR EXPIRES_AT_MS <= ?")) {
                ps.setLong(1, now.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    /** How many token rows are stored, used or not (for tests and monitoring). */
    public int stored() {
        return db.inTransaction("counting enrollment tokens", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM ENROLLMENT_TOKENS");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }
}
