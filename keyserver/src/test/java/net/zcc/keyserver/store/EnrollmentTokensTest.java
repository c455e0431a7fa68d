package net.zcc.keyserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollmentTokensTest {
    private static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_000L);
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    @TempDir
    Path home;
    private KeyStoreDatabase db;
    private EnrollmentTokens tokens;

    @BeforeEach
    void open() {
        db = TestStores.open(home);
        tokens = new EnrollmentTokens(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void tokenIsConsumedExactlyOnce() {
        IssuedToken issued = tokens.issue(NOW, TEN_MINUTES);
        assertTrue(tokens.consumeToken(issued.token(), NOW));
        assertFalse(tokens.consumeToken(issued.token(), NOW));
        assertFalse(tokens.consumeToken("not-a-token", NOW));
        assertFalse(issued.toString().contains(issued.token()));
    }

    @Test
    void tokenIsRefusedFromItsExpiryOn() {
        IssuedToken a = tokens.issue(NOW, TEN_MINUTES);
        IssuedToken b = tokens.issue(NOW, TEN_MINUTES);
        assertFalse(tokens.consumeToken(a.token(), a.expiresAt()));
        assertTrue(tokens.consumeToken(b.token(), b.expiresAt().minusMillis(1)));
        assertEquals(2, tokens.purgeUnusable(a.expiresAt()));
    }

    @Test
    void purgeDeletesUsedAndExpiredTokensAndKeepsUsableOnes() {
        IssuedToken used = tokens.issue(NOW, TEN_MINUTES);
        IssuedToken shortLived = tokens.issue(NOW, Duration.ofMinutes(1));
        IssuedToken live = tokens.issue(NOW, TEN_MINUTES);
        assertTrue(tokens.consumeToken(used.token(), NOW));
        assertEquals(3, tokens.stored());
        assertEquals(1, tokens.purgeUnusable(NOW), "used: deleted at once");
        assertEquals(0, tokens.purgeUnusable(shortLived.expiresAt().minusMillis(1)), "still usable");
        assertEquals(1, tokens.purgeUnusable(shortLived.expiresAt()), "expired from its expiry on");
        assertEquals(1, tokens.stored());
        assertFalse(tokens.consumeToken(used.token(), NOW), "a purged used token stays refused");
        assertTrue(tokens.consumeToken(live.token(), NOW));
    }

    @Test
    void onlyTheHashIsStored() {
        IssuedToken issued = tokens.issue(NOW, TEN_MINUTES);
        String stored = db.inTransaction("read", c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT TOKEN_HASH FROM ENROLLMENT_TOKENS")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertEquals(EnrollmentTokens.hash(issued.token()), stored);
    }

    @Test
    void twoConcurrentConsumersCannotBothSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String token = tokens.issue(NOW, TEN_MINUTES).token();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return tokens.consumeToken(token, NOW);
                    }));
                }
                start.countDown();
                int successes = 0;
                for (Future<Boolean> r : results) {
                    successes += r.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, successes, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
