package net.zcc.agent.remote;

import java.time.Duration;

/**
 * Waits between failed relay polls: 100 ms, doubling, at most 5 s; back to the start after a
 * success. Keeps a flapping or revoking key server from being hammered by every agent at once
 * while still reconnecting quickly after a short outage. Not thread-safe (one poll thread).
 */
final class Backoff {

    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofSeconds(5);

    private Duration current;

    /** The next wait: FIRST after a reset, then twice the previous one up to MAX. */
    Duration next() {
        current = current == null ? FIRST : min(current.multipliedBy(2), MAX);
        return current;
    }

    /** After a success. */
    void reset() {
        current = null;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
