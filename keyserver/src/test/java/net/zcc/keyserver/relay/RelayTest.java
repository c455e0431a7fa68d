package net.zcc.keyserver.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.KeyId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay alone: delivery, bounds, expiry, wiping, and long-poll completion. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RelayTest {

    static final byte[] KEY_A = key(1);
    static final byte[] KEY_B = key(2);
    static final KeyId A = KeyId.of(KEY_A);
    static final KeyId B = KeyId.of(KEY_B);
    static final KeyId C = KeyId.of(key(3));
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final RelayLimits SMALL = new RelayLimits(100, 3, 200, 1000, Duration.ofSeconds(30));

    static KeyId id(int n) {
        return new KeyId(String.format("%032x", n));
    }

    /** A deterministic stand-in for host n's X25519 static public key. */
    static byte[] key(int n) {
        byte[] k = new byte[KeyId.X25519_KEY_BYTES];
        java.nio.ByteBuffer.wrap(k).putInt(n);
        k[31] = 0x5a;
        return k;
    }

    static byte[] msg(int len, int fill) {
        byte[] b = new byte[len];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    static boolean zero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void deliversInOrderWithSenderAndWipesItsCopy() {
        Relay r = new Relay(SMALL);
        byte[] m1 = msg(10, 7);
        byte[] m2 = msg(20, 9);
        assertEquals(SendResult.QUEUED, r.send(KEY_A, B, m1, T0));
        assertEquals(SendResult.QUEUED, r.send(KEY_A, B, m2, T0));
        assertEquals(30, r.pendingBytes());
        List<Delivered> got = r.poll(B, T0).result().join();
        assertEquals(2, got.size());
        assertEquals(A, got.get(0).from());
        assertArrayEquals(KEY_A, got.get(0).senderKey(), "the sender's static key travels with the message");
        assertArrayEquals(msg(10, 7), got.get(0).message());
        assertArrayEquals(msg(20, 9), got.get(1).message());
        assertTrue(zero(m1) && zero(m2), "relay's own bytes wiped on delivery");
        assertEquals(0, r.pendingBytes());
        assertFalse(r.poll(A, T0).result().isDone(), "nothing for A");
    }

    @Test
    void enforcesBounds() {
        Relay r = new Relay(SMALL);
        byte[] big = msg(101, 1);
        assertEquals(SendResult.TOO_LARGE, r.send(KEY_A, B, big, T0));
        assertTrue(zero(big), "refused message wiped too");
        assertEquals(SendResult.EMPTY, r.send(KEY_A, B, new byte[0], T0));
        assertEquals(SendResult.SELF, r.send(KEY_A, A, msg(1, 1), T0));
        assertEquals(SendResult.QUEUED, r.send(KEY_A, B, msg(100, 1), T0));
        assertEquals(SendResult.QUEUED, r.send(KEY_A, B, msg(100, 1), T0));
        assertEquals(SendResult.HOST_FULL_BYTES, r.send(KEY_A, B, msg(1, 1), T0));
        Relay counts = new Relay(SMALL);
        for (int i = 0; i < 3; i++) {
            assertEquals(SendResult.QUEUED, counts.send(KEY_A, B, msg(1, 1), T0));
        }
        assertEquals(SendResult.HOST_FULL_MESSAGES, counts.send(KEY_A, B, msg(1, 1), T0));
        Relay total = new Relay(SMALL); // 1000 bytes in all: five hosts of 200
        for (int i = 10; i < 15; i++) {
            assertEquals(SendResult.QUEUED, total.send(KEY_A, id(i), msg(100, 1), T0));
            assertEquals(SendResult.QUEUED, total.send(KEY_A, id(i), msg(100, 1), T0));
        }
        assertEquals(SendResult.RELAY_FULL, total.send(KEY_A, id(99), msg(1, 1), T0));
        assertEquals(1000, total.pendingBytes());
    }

    @Test
    void expiresAfterTtlOnAccessAndBySweepAndWipes() {
        Relay r = new Relay(SMALL);
        byte[] m1 = msg(50, 3);
        byte[] m2 = msg(50, 4);
        r.send(KEY_A, B, m1, T0);
        r.send(KEY_A, id(5), m2, T0);
        Instant later = T0.plusSeconds(30);
        assertTrue(r.poll(B, T0.plusSeconds(29)).result().isDone(), "still there just before the TTL");
        r.send(KEY_A, B, msg(5, 5), T0);
        assertFalse(r.poll(B, later).result().isDone(), "expired on access");
        assertEquals(50, r.sweep(later));
        assertTrue(zero(m1) && zero(m2));
        assertEquals(0, r.pendingBytes());
    }

    @Test
    void pollCompletesOnArrivalAndEmptyOnExpiry() {
        Relay r = new Relay(SMALL);
        RelayPoll p = r.poll(B, T0);
        assertFalse(p.result().isDone());
        assertEquals(1, r.waitingPolls());
        byte[] m = msg(8, 2);
        r.send(KEY_A, B, m, T0);
        List<Delivered> got = p.result().join();
        assertEquals(1, got.size());
        assertArrayEquals(msg(8, 2), got.get(0).message());
        assertTrue(zero(m));
        assertFalse(p.expire(), "already decided by the send");

        RelayPoll q = r.poll(B, T0);
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(q::expire);
        assertEquals(List.of(), q.result().join());
        assertEquals(0, r.waitingPolls());
        r.send(KEY_A, B, msg(1, 1), T0);
        assertEquals(1, r.pendingMessages(B), "a message after the timeout waits for the next poll");
    }

    @Test
    void newerPollReplacesOlder() {
        Relay r = new Relay(SMALL);
        RelayPoll old = r.poll(B, T0);
        RelayPoll fresh = r.poll(B, T0);
        assertEquals(List.of(), old.result().join());
        r.send(KEY_A, B, msg(1, 1), T0);
        assertEquals(1, fresh.result().join().size());
    }

    @Test
    void racingSendsAndTimeoutsLoseNothing() throws Exception {
        Relay r = new Relay(new RelayLimits(100, 10_000, 1_000_000, 10_000_000, Duration.ofSeconds(30)));
        int senders = 8;
        int each = 500;
        ExecutorService pool = Executors.newFixedThreadPool(senders + 1);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            done.add(CompletableFuture.runAsync(() -> {
                await(go);
                for (int i = 0; i < each; i++) {
                    byte[] m = java.nio.ByteBuffer.allocate(8).putInt(sender).putInt(i).array();
                    assertEquals(SendResult.QUEUED, r.send(key(100 + sender), B, m, T0));
                }
            }, pool));
        }
        Set<String> seen = new HashSet<>();
        go.countDown();
        // The receiver polls and expires at once, so every send races a timeout.
        while (seen.size() < senders * each) {
            RelayPoll p = r.poll(B, T0);
            p.expire();
            for (Delivered d : p.result().join()) {
                var buf = java.nio.ByteBuffer.wrap(d.message());
                assertTrue(seen.add(buf.getInt() + ":" + buf.getInt()), "no duplicate");
            }
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(0, r.pendingBytes());
    }

    @Test
    void evictEndsTheWaitingPollMarkedRevokedAndWipesTheMailbox() {
        Relay r = new Relay(SMALL);
        RelayPoll waiting = r.poll(B, T0);
        assertEquals(0, r.evict(B));
        assertTrue(waiting.result().isDone(), "ended at once, not at its timeout");
        assertTrue(waiting.revoked());
        assertEquals(List.of(), waiting.result().join());
        assertEquals(0, r.waitingPolls());

        Relay r2 = new Relay(SMALL);
        byte[] m = msg(40, 6);
        assertEquals(SendResult.QUEUED, r2.send(KEY_A, B, m, T0));
        assertEquals(1, r2.evict(B));
        assertTrue(zero(m), "dropped message wiped");
        assertEquals(0, r2.pendingBytes());
        assertEquals(0, r2.pendingMessages(B));
        RelayPoll later = r2.poll(B, T0);
        assertFalse(later.result().isDone(), "nothing kept for the evicted host");
        assertEquals(0, r2.evict(A), "a host with no mailbox: nothing to do");
    }

    @Test
    void evictAlsoDropsWhatTheRevokedHostSentToOthers() {
        Relay r = new Relay(SMALL);
        byte[] fromA = msg(40, 7);
        byte[] fromB = msg(30, 8);
        assertEquals(SendResult.QUEUED, r.send(KEY_A, C, fromA, T0));
        assertEquals(SendResult.QUEUED, r.send(KEY_B, C, fromB, T0));
        r.evict(A);
        assertTrue(zero(fromA), "A's message to C wiped");
        assertEquals(1, r.pendingMessages(C), "B's message to C stays");
        assertEquals(30, r.pendingBytes());
    }

    @Test
    void afterEvictNothingMoreIsTakenFromOrForTheRevokedHost() {
        Relay r = new Relay(SMALL);
        r.evict(A);
        byte[] fromA = msg(20, 9);
        byte[] toA = msg(20, 10);
        assertEquals(SendResult.REVOKED, r.send(KEY_A, B, fromA, T0));
        assertEquals(SendResult.REVOKED, r.send(KEY_B, A, toA, T0));
        assertTrue(zero(fromA) && zero(toA), "refused messages wiped");
        assertEquals(0, r.pendingBytes());
    }

    @Test
    void aSenderKeyOfTheWrongLengthIsRefusedAndTheMessageWiped() {
        Relay r = new Relay(SMALL);
        byte[] m = msg(4, 3);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> r.send(new byte[16], B, m, T0));
        assertTrue(zero(m));
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
