package net.zcc.agent.path;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Connection events (refusals, plaintext fallbacks, unknown connections) logged at INFO, at most
 * {@code perSecond} lines a second: a flood of bad packets must not become a flood of log lines.
 * What is not logged is still counted.
 */
final class RateLimitedLog {
    private final Logger log;
    private final int perSecond;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    RateLimitedLog(Logger log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
    }

    void info(String format, Object... args) {
        long now = System.nanoTime();
        String extra = null;
        synchronized (this) {
            if (now - windowStart > 1_000_000_000L) {
                if (suppressed > 0) {
                    extra = suppressed + " similar events not logged in the last second";
                }
                windowStart = now;
                inWindow = 0;
                suppressed = 0;
            }
            if (inWindow >= perSecond) {
                suppressed++;
                return;
            }
            inWindow++;
        }
        if (extra != null) {
            log.log(Level.INFO, extra);
        }
        log.log(Level.INFO, format, args);
    }
}
