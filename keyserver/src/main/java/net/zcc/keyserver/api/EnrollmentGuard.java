package net.zcc.keyserver.api;

import java.util.LinkedHashMap;
import java.util.Map;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.keyserver.rpc.LogThrottle;
import org.apache.xmlrpc.XmlRpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-source rate limit and failure backoff for the anonymous enrollment calls, checked before
 * the store is touched: a source over its rate, or waiting out a backoff, gets
 * {@link RpcFault#RATE_LIMITED} at once. Failures (wrong tokens) are logged through a
 * {@link LogThrottle}: the first per source and minute, then one sum.
 *
 * <p>Memory: at most {@link EnrollmentLimits#maxSources()} sources, least recently seen dropped.
 */
public final class EnrollmentGuard {

    private static final Logger LOG = LoggerFactory.getLogger("zcc.enrollment");

    private static final class Source {
        double tokens;
        long refilledNanos;
        int failures;
        long blockedUntilNanos;
    }

    private final EnrollmentLimits limits;
    private final LogThrottle failures = new LogThrottle(LOG, "failed enrollments", 60, 1024);
    private final LogThrottle limited = new LogThrottle(LOG, "rate-limited enrollment calls", 60, 1024);
    private final Map<String, Source> sources;

    /** A guard with {@code limits}. */
    public EnrollmentGuard(EnrollmentLimits limits) {
        this.limits = limits;
        this.sources = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Source> eldest) {
                return size() > limits.maxSources();
            }
        };
    }

    /** Lets a call from {@code source} through, or throws {@link RpcFault#RATE_LIMITED}. */
    public void admit(String source) throws XmlRpcException {
        long now = System.nanoTime();
        boolean ok;
        synchronized (this) {
            Source s = source(source, now);
            s.tokens = Math.min(limits.burst(), s.tokens + (now - s.refilledNanos) * limits.callsPerSecond() / 1e9);
            s.refilledNanos = now;
            ok = now - s.blockedUntilNanos >= 0 && s.tokens >= 1;
            if (ok) {
                s.tokens -= 1;
            }
        }
        if (!ok) {
            limited.note(source, "over the per-address rate or backing off after failures");
            throw new XmlRpcException(RpcFault.RATE_LIMITED.code(), RpcFault.RATE_LIMITED.text());
        }
    }

    /** A failed enrollment from {@code source}: counted, logged (throttled), backoff after the free ones. */
    public void failed(String source, String what) {
        long now = System.nanoTime();
        synchronized (this) {
            Source s = source(source, now);
            s.failures++;
            int over = s.failures - limits.freeFailures();
            if (over > 0) {
                long backoff = Math.min(limits.maxBackoff().toNanos(), 1_000_000_000L << Math.min(over - 1, 30));
                s.blockedUntilNanos = now + backoff;
            }
        }
        failures.note(source, what);
    }

    /** A successful enrollment: the source's failures are forgiven. */
    public synchronized void succeeded(String source) {
        Source s = sources.get(source);
        if (s != null) {
            s.failures = 0;
        }
    }

    /** Writes the sums of ended periods (the key server's sweep calls this). */
    public void flushLog() {
        failures.flush();
        limited.flush();
    }

    private Source source(String key, long now) {
        return sources.computeIfAbsent(key, k -> {
            Source s = new Source();
            s.tokens = limits.burst();
            s.refilledNanos = now;
            s.blockedUntilNanos = now;
            return s;
        });
    }
}
