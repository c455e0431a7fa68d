package net.zcc.keyserver;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import net.zcc.contract.KeyId;
import net.zcc.keyserver.api.EnrollmentLimits;
import net.zcc.keyserver.relay.RelayLimits;
import net.zcc.keyserver.rpc.RpcLimits;
import net.zcc.keyserver.rpc.ServerLimits;

/**
 * Everything {@link KeyServer} needs to start.
 *
 * @param home the store's home directory (Derby lives in {@code <home>/keystore}); created 0700
 * @param dbUser the Derby NATIVE user
 * @param dbPassword its password (at least 12 characters); the array is not copied or wiped here
 * @param caDirectory the fleet CA directory (owner-only), opened or created
 * @param port TCP port on {@code bind}, 0 for an ephemeral one
 * @param serverAddresses extra IP SANs of the server certificate ({@code bind} is always included)
 * @param admins key ids whose client certificates may call {@code Admin.*}
 * @param rpcLimits XML-RPC request limits
 * @param relayLimits relay bounds
 * @param pollTimeout how long a relay long-poll waits (below Jetty's 30 s idle timeout)
 * @param sweepInterval how often expired relay messages are dropped and wiped
 * @param revocationCacheTtl how long a host-state answer is cached (at most 5 s)
 * @param clientCertificateValidity lifetime of client certificates handed out by enrollment
 * @param clock the time source for tokens, state changes and the relay
 * @param bind the local IP address the TLS connector listens on (never the wildcard: the server
 *     certificate names it, and clients verify it)
 * @param serverLimits connection caps, request deadlines and the anonymous share
 * @param enrollmentLimits per-source rate of anonymous enrollment calls and backoff after failures
 * @param pendingLifetime how long an enrollment request waits for approval before it is deleted
 */
public record KeyServerConfig(Path home, String dbUser, char[] dbPassword, Path caDirectory, int port,
        List<InetAddress> serverAddresses, Set<KeyId> admins, RpcLimits rpcLimits, RelayLimits relayLimits,
        Duration pollTimeout, Duration sweepInterval, Duration revocationCacheTtl,
        Duration clientCertificateValidity, Clock clock, InetAddress bind, ServerLimits serverLimits,
        EnrollmentLimits enrollmentLimits, Duration pendingLifetime) {

    /** Longest a cached host state may be trusted. */
    public static final Duration MAX_REVOCATION_CACHE = Duration.ofSeconds(5);
    /** The default bind address, 127.0.0.1 (not getLoopbackAddress(), which may be ::1). */
    public static final InetAddress LOOPBACK = ipv4Loopback();

    /** Checks the settings. */
    public KeyServerConfig {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(dbUser, "dbUser");
        Objects.requireNonNull(dbPassword, "dbPassword");
        Objects.requireNonNull(caDirectory, "caDirectory");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        serverAddresses = List.copyOf(serverAddresses);
        admins = Set.copyOf(admins);
        Objects.requireNonNull(rpcLimits, "rpcLimits");
        Objects.requireNonNull(relayLimits, "relayLimits");
        requirePositive(pollTimeout, "pollTimeout");
        if (pollTimeout.compareTo(Duration.ofSeconds(25)) > 0) {
            throw new IllegalArgumentException("pollTimeout must stay below the 30 s idle timeout (max 25 s)");
        }
        requirePositive(sweepInterval, "sweepInterval");
        Objects.requireNonNull(revocationCacheTtl, "revocationCacheTtl");
        if (revocationCacheTtl.isNegative() || revocationCacheTtl.compareTo(MAX_REVOCATION_CACHE) > 0) {
            throw new IllegalArgumentException("revocationCacheTtl must be 0.." + MAX_REVOCATION_CACHE);
        }
        requirePositive(clientCertificateValidity, "clientCertificateValidity");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(bind, "bind");
        if (bind.isAnyLocalAddress() || bind.isMulticastAddress()) {
            throw new IllegalArgumentException("bind to one local unicast address, not " + bind.getHostAddress());
        }
        Objects.requireNonNull(serverLimits, "serverLimits");
        Objects.requireNonNull(enrollmentLimits, "enrollmentLimits");
        requirePositive(pendingLifetime, "pendingLifetime");
    }

    /** The settings of before issue 11, with the default server and enrollment limits. */
    public KeyServerConfig(Path home, String dbUser, char[] dbPassword, Path caDirectory, int port,
            List<InetAddress> serverAddresses, Set<KeyId> admins, RpcLimits rpcLimits, RelayLimits relayLimits,
            Duration pollTimeout, Duration sweepInterval, Duration revocationCacheTtl,
            Duration clientCertificateValidity, Clock clock, InetAddress bind) {
        this(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins, rpcLimits, relayLimits, pollTimeout,
                sweepInterval, revocationCacheTtl, clientCertificateValidity, clock, bind, ServerLimits.DEFAULT,
                EnrollmentLimits.DEFAULT, DEFAULT_PENDING_LIFETIME);
    }

    /** An enrollment request not approved within this is deleted (it reserved nothing anyway). */
    public static final Duration DEFAULT_PENDING_LIFETIME = Duration.ofDays(7);

    /**
     * Defaults: CA in {@code <home>/ca}, port 0, no extra addresses, no admins, default limits,
     * 20 s polls, 5 s sweeps, 2 s revocation cache, 30-day client certificates, the UTC clock,
     * bound to 127.0.0.1.
     */
    public static KeyServerConfig defaults(Path home, String dbUser, char[] dbPassword) {
        return new KeyServerConfig(home, dbUser, dbPassword, home.resolve("ca"), 0, List.of(), Set.of(),
                RpcLimits.DEFAULT, RelayLimits.DEFAULT, Duration.ofSeconds(20), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofDays(30), Clock.systemUTC(),
                LOOPBACK);
    }

    /** A copy with another port. */
    public KeyServerConfig withPort(int newPort) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, newPort, serverAddresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy with another admin set. */
    public KeyServerConfig withAdmins(Set<KeyId> newAdmins) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, newAdmins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy with other extra server addresses. */
    public KeyServerConfig withServerAddresses(List<InetAddress> addresses) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, addresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy with another relay poll timeout. */
    public KeyServerConfig withPollTimeout(Duration timeout) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, relayLimits, timeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy with another clock (tests move time by hand). */
    public KeyServerConfig withClock(Clock newClock) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                newClock, bind, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy listening on another local address (127.0.0.2, a namespace's veth address, ::1). */
    public KeyServerConfig withBind(InetAddress address) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, address, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy with other connection and request limits. */
    public KeyServerConfig withServerLimits(ServerLimits limits) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, limits, enrollmentLimits, pendingLifetime);
    }

    /** A copy with other enrollment rate limits. */
    public KeyServerConfig withEnrollmentLimits(EnrollmentLimits limits) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, serverLimits, limits, pendingLifetime);
    }

    /** A copy with other relay limits. */
    public KeyServerConfig withRelayLimits(RelayLimits limits) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, limits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy with another client certificate lifetime. */
    public KeyServerConfig withClientCertificateValidity(Duration validity) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, validity,
                clock, bind, serverLimits, enrollmentLimits, pendingLifetime);
    }

    /** A copy in which pending enrollment requests expire after {@code lifetime}. */
    public KeyServerConfig withPendingLifetime(Duration lifetime) {
        return new KeyServerConfig(home, dbUser, dbPassword, caDirectory, port, serverAddresses, admins,
                rpcLimits, relayLimits, pollTimeout, sweepInterval, revocationCacheTtl, clientCertificateValidity,
                clock, bind, serverLimits, enrollmentLimits, lifetime);
    }

    private static InetAddress ipv4Loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("four bytes are a valid IPv4 address", e);
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
