package net.zcc.keyserver.rpc;

import java.time.Duration;

/**
 * What one client, or all clients without a fleet certificate, may hold of the key server:
 * connections, time, request bodies and handling threads. The rest is kept for hosts and admins.
 *
 * <p>"Unauthenticated" is a connection that has not (yet) presented a fleet client certificate in
 * its TLS handshake: anonymous enrollment clients, anything still handshaking, and attackers.
 *
 * @param maxConnections every connection, authenticated or not (Jetty pauses accepting above it:
 *     the file-descriptor bound, kept far above the fleet's needs)
 * @param maxConnectionsPerSource connections from one source address, authenticated or not
 * @param maxUnauthenticated unauthenticated connections in all; a new one above it closes the oldest
 * @param maxUnauthenticatedPerSource unauthenticated connections from one source address; more are
 *     closed at once
 * @param newConnectionsPerSecondPerSource new connections one source may open per second (burst 2×)
 * @param newUnprovenConnectionsPerSecond new connections per second, all sources together, from
 *     addresses that have not shown a fleet certificate in the last hour (burst 4×); more are
 *     closed before any TLS work. An anonymous TLS handshake costs the server a signature and a
 *     key agreement (about 2.5 ms of one core here): this is what keeps a flood from many
 *     addresses from eating the hosts' share of the CPU (docs/BENCHMARKS.md 5.3)
 * @param unauthenticatedLifetime an unauthenticated connection is closed this long after accept,
 *     whatever it is doing: the deadline for its TLS handshake, headers and body alike
 * @param bodyDeadline every request body (authenticated too) must have arrived this long after its
 *     headers; else 408 and the connection closes
 * @param maxAnonymousBodyBytes largest XML-RPC body without a client certificate (enrollment)
 * @param maxAnonymousRequests anonymous requests handled at once (Jetty's QoSHandler); more wait
 * @param maxAnonymousWaiting anonymous requests waiting for a slot; more are answered 503
 * @param anonymousWait how long an anonymous request waits for a slot before 503
 */
public record ServerLimits(int maxConnections, int maxConnectionsPerSource, int maxUnauthenticated,
        int maxUnauthenticatedPerSource, int newConnectionsPerSecondPerSource, int newUnprovenConnectionsPerSecond,
        Duration unauthenticatedLifetime,
        Duration bodyDeadline, int maxAnonymousBodyBytes, int maxAnonymousRequests, int maxAnonymousWaiting,
        Duration anonymousWait) {

    /**
     * 10,000 connections; per source 256 in all, 16 unauthenticated and 64 new ones a second; 16
     * new ones a second (burst 64) from all addresses without a recent fleet certificate; 256
     * unauthenticated in all, each living 20 s at most; bodies within 10 s; anonymous bodies 8 KiB
     * (an enrollment request is under 2 KiB); 2 anonymous requests handled at once, 64 waiting up
     * to 5 s. Hosts use two connections each (calls and the relay poll).
     */
    public static final ServerLimits DEFAULT = new ServerLimits(10_000, 256, 256, 16, 64, 16, Duration.ofSeconds(20),
            Duration.ofSeconds(10), 8 * 1024, 2, 64, Duration.ofSeconds(5));

    /**
     * The defaults with the per-source caps lifted (1,000 connections, 1,000 a second): for
     * servers whose every client shares one loopback address (tests, benchmarks), never for a
     * server on a network.
     */
    public static final ServerLimits ONE_SOURCE = DEFAULT.withPerSource(1_000, 1_000, 1_000);

    /** Checks that every bound is positive. */
    public ServerLimits {
        if (maxConnections <= 0 || maxConnectionsPerSource <= 0 || maxUnauthenticated <= 0
                || maxUnauthenticatedPerSource <= 0 || newConnectionsPerSecondPerSource <= 0
                || newUnprovenConnectionsPerSecond <= 0
                || maxAnonymousBodyBytes <= 0 || maxAnonymousRequests <= 0 || maxAnonymousWaiting < 0) {
            throw new IllegalArgumentException("server limits must be positive");
        }
        requirePositive(unauthenticatedLifetime);
        requirePositive(bodyDeadline);
        requirePositive(anonymousWait);
    }

    /** A copy with other per-source caps (tests: many clients on one loopback address). */
    public ServerLimits withPerSource(int connections, int unauthenticated, int newPerSecond) {
        return new ServerLimits(maxConnections, connections, maxUnauthenticated, unauthenticated, newPerSecond,
                Math.max(newUnprovenConnectionsPerSecond, newPerSecond), unauthenticatedLifetime, bodyDeadline, maxAnonymousBodyBytes, maxAnonymousRequests,
                maxAnonymousWaiting, anonymousWait);
    }

    /** A copy with another budget of new connections per second from unproven addresses. */
    public ServerLimits withUnprovenConnectionsPerSecond(int perSecond) {
        return new ServerLimits(maxConnections, maxConnectionsPerSource, maxUnauthenticated,
                maxUnauthenticatedPerSource, newConnectionsPerSecondPerSource, perSecond, unauthenticatedLifetime,
                bodyDeadline, maxAnonymousBodyBytes, maxAnonymousRequests, maxAnonymousWaiting, anonymousWait);
    }

    /** A copy with another lifetime for unauthenticated connections and body deadline. */
    public ServerLimits withDeadlines(Duration lifetime, Duration body) {
        return new ServerLimits(maxConnections, maxConnectionsPerSource, maxUnauthenticated,
                maxUnauthenticatedPerSource, newConnectionsPerSecondPerSource, newUnprovenConnectionsPerSecond, lifetime,
                body, maxAnonymousBodyBytes,
                maxAnonymousRequests, maxAnonymousWaiting, anonymousWait);
    }

    private static void requirePositive(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("server limit durations must be positive");
        }
    }
}
