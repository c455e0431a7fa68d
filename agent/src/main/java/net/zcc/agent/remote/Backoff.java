package net.zcc.agent.remote;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between failed relay polls, with "equal jitter": the ceiling starts at 100 ms and doubles
 * up to 5 s, and each wait is drawn uniformly from the upper half of the ceiling (never below
 * 100 ms, never above 5 s; see {@link #next()}). Back to the start after a success. Keeps a
 * flapping or revoking key server from being hammered, and the jitter keeps the agents of a fleet
 * from retrying in lockstep after a key server restart, while still reconnecting quickly after a
 * short outage. Not thread-safe (one poll thread).
 */
final class Backoff {

    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofSeconds(5);

    private final Random random;
    private long ceilingMillis;

    /** With a thread-local random source. */
    Backoff() {
        this(null);
    }

    /** With {@code random} for the jitter (tests pass a seeded one); null for a thread-local one. */
    Backoff(Random random) {
        this.random = random;
    }

    /**
     * The next wait. The ceiling is FIRST after a reset, then twice the previous one up to MAX;
     * the wait is uniform in [max(FIRST, ceiling/2), ceiling], so always within 100 ms .. 5 s.
     */
    Duration next() {
        ceilingMillis = ceilingMillis == 0 ? FIRST.toMillis() : Math.min(ceilingMillis * 2, MAX.toMillis());
        long floor = Math.max(FIRST.toMillis(), ceilingMillis / 2);
        Random r = random != null ? random : ThreadLocalRandom.current();
        return Duration.ofMillis(floor + (ceilingMillis > floor ? r.nextLong(ceilingMillis - floor + 1) : 0));
    }

    /** The current ceiling, zero after a reset (for tests). */
    Duration ceiling() {
        return Duration.ofMillis(ceilingMillis);
    }

    /** After a success. */
    void reset() {
        ceilingMillis = 0;
    }
}
