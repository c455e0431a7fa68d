package net.zcc.keyserver.rpc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Keeps repeated warnings from flooding the log: the first occurrence per key (a source address,
 * a kind of refusal) in a period is logged at once, the rest are counted and summed up in one line
 * when the period ends ("412 failed enrollments from 198.18.0.9 in the last minute"). At most
 * {@code maxKeys} keys are told apart per period; the others are counted under "other sources".
 *
 * <p>Why: every anonymous path must be bounded in log volume too. Periods roll on the next
 * {@link #note} or {@link #flush} (the key server's sweep calls it every few seconds).
 */
public final class LogThrottle {

    private static final String OTHER = "other sources";
    private final Logger log;
    private final String what;
    private final long periodNanos;
    private final String periodText;
    private final int maxKeys;
    private final Map<String, int[]> counts = new LinkedHashMap<>();
    private long windowStart = System.nanoTime();

    /**
     * @param what the plural noun phrase of the event, e.g. "failed enrollments"
     * @param periodSeconds the summing period; 60 reads "in the last minute"
     */
    public LogThrottle(Logger log, String what, int periodSeconds, int maxKeys) {
        this.log = Objects.requireNonNull(log);
        this.what = Objects.requireNonNull(what);
        this.periodNanos = periodSeconds * 1_000_000_000L;
        this.periodText = periodSeconds == 60 ? "the last minute" : "the last " + periodSeconds + " s";
        this.maxKeys = maxKeys;
    }

    /** One more event for {@code key}; {@code detail} goes with the first line of the period only. */
    public synchronized void note(String key, String detail) {
        roll(System.nanoTime());
        String k = counts.containsKey(key) || counts.size() < maxKeys ? key : OTHER;
        int[] c = counts.computeIfAbsent(k, x -> new int[1]);
        if (c[0]++ == 0) {
            log.warn("{} from {}: {} (repeats are summed up once per period)", what, k, detail);
        }
    }

    /** Writes the sums of a period that has ended. */
    public synchronized void flush() {
        roll(System.nanoTime());
    }

    /** Events counted in the current period over all keys (tests). */
    public synchronized int pending() {
        return counts.values().stream().mapToInt(c -> c[0]).sum();
    }

    private void roll(long now) {
        if (now - windowStart < periodNanos) {
            return;
        }
        for (var e : counts.entrySet()) {
            if (e.getValue()[0] > 1) {
                log.warn("{} {} from {} in {}", e.getValue()[0], what, e.getKey(), periodText);
            }
        }
        counts.clear();
        windowStart = now;
    }
}
