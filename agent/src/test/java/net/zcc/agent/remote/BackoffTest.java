package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The relay poll loop's backoff schedule: doubling, capped, jittered, reset. */
class BackoffTest {

    @Test
    void backoffDoublesFrom100msTo5sWithJitterAndResets() {
        Backoff b = new Backoff(new java.util.Random(42));
        long[] ceilings = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long ceiling : ceilings) {
            long wait = b.next().toMillis();
            assertEquals(Duration.ofMillis(ceiling), b.ceiling());
            assertTrue(wait >= Math.max(100, ceiling / 2) && wait <= ceiling, wait + " ms for ceiling " + ceiling);
        }
        b.reset();
        assertEquals(Duration.ofMillis(100), b.next(), "the first wait after a reset is 100 ms");
    }

    @Test
    void backoffJitterSpreadsAgentsOut() {
        java.util.Set<Long> waits = new java.util.HashSet<>();
        for (int agent = 0; agent < 20; agent++) {
            Backoff b = new Backoff(new java.util.Random(agent));
            Duration last = null;
            for (int i = 0; i < 8; i++) {
                last = b.next();
                assertTrue(last.compareTo(Backoff.FIRST) >= 0 && last.compareTo(Backoff.MAX) <= 0, last.toString());
            }
            waits.add(last.toMillis());
        }
        assertTrue(waits.size() > 10, "20 agents at the 5 s ceiling do not retry in lockstep: " + waits);
        Backoff unseeded = new Backoff();
        for (int i = 0; i < 100; i++) {
            Duration d = unseeded.next();
            assertTrue(d.compareTo(Backoff.FIRST) >= 0 && d.compareTo(Backoff.MAX) <= 0, d.toString());
        }
    }
}
