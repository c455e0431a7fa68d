package net.zcc.keyserver.api;

import java.time.Duration;

/**
 * How fast one source address may call the anonymous {@code Enroll.*} methods.
 *
 * @param callsPerSecond sustained calls per source address
 * @param burst calls a quiet source may make at once
 * @param freeFailures failed enrollments (wrong token) a source may make before backoff starts
 * @param maxBackoff longest wait imposed after repeated failures (it doubles per failure: 1 s, 2 s, …)
 * @param maxSources source addresses remembered at once (least recently seen forgotten first)
 */
public record EnrollmentLimits(double callsPerSecond, int burst, int freeFailures, Duration maxBackoff,
        int maxSources) {

    /**
     * 10 calls a second with bursts of 50 (an agent waiting for approval asks every 2 s; a few
     * hosts behind one address may enroll at once), 3 free failures then 1, 2, 4 … 300 s, 10,000
     * sources. A certificate call costs a database read, never a signature, once one was issued.
     */
    public static final EnrollmentLimits DEFAULT = new EnrollmentLimits(10, 50, 3, Duration.ofMinutes(5), 10_000);

    /** Checks the bounds. */
    public EnrollmentLimits {
        if (!(callsPerSecond > 0) || burst < 1 || freeFailures < 0 || maxSources < 1
                || maxBackoff == null || maxBackoff.isNegative()) {
            throw new IllegalArgumentException("enrollment limits must be positive");
        }
    }
}
