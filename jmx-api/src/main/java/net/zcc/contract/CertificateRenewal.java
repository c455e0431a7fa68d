package net.zcc.contract;

import java.time.Duration;
import java.time.Instant;

/**
 * When a client certificate may be renewed: once less than a third of its lifetime is left. Both
 * sides use this one rule: the agent asks only then, and the key server issues a new certificate
 * only then (otherwise it returns the current one), so a host cannot mint certificates at will.
 */
public final class CertificateRenewal {

    /** Renewal is due once less than 1/{@value} of the certificate's lifetime is left. */
    public static final int RENEW_IN_LAST = 3;

    private CertificateRenewal() {
    }

    /** True once less than 1/{@link #RENEW_IN_LAST} of {@code notBefore..notAfter} is left at {@code now}. */
    public static boolean isDue(Instant notBefore, Instant notAfter, Instant now) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        return Duration.between(now, notAfter).compareTo(lifetime.dividedBy(RENEW_IN_LAST)) < 0;
    }
}
