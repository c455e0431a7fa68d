package net.zcc.keyserver.api;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import net.zcc.keyserver.ca.FleetCa;
import net.zcc.keyserver.store.EnrollmentTokens;
import net.zcc.keyserver.store.HostDirectory;

/**
 * What the XML-RPC handlers work on. The console will call the same handler classes in-process
 * later (constructing them with this context and the admin's key id).
 *
 * @param hosts the host directory
 * @param tokens the enrollment tokens
 * @param ca the fleet CA
 * @param access the cached host-state check, invalidated on every state change made here
 * @param revocations told of every revocation made here (the relay ends the host's poll and mailbox)
 * @param clock the time source
 * @param clientCertificateValidity lifetime of issued client certificates
 * @param enrollment per-source rate limits and failure backoff of the anonymous calls
 * @param serverAddresses the key server's own addresses, which no host may own
 */
public record ApiContext(HostDirectory hosts, EnrollmentTokens tokens, FleetCa ca, HostAccess access,
        RevocationListener revocations, Clock clock, Duration clientCertificateValidity,
        EnrollmentGuard enrollment, Set<InetAddress> serverAddresses) {

    /** Checks for nulls. */
    public ApiContext {
        Objects.requireNonNull(hosts);
        Objects.requireNonNull(tokens);
        Objects.requireNonNull(ca);
        Objects.requireNonNull(access);
        Objects.requireNonNull(revocations);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(clientCertificateValidity);
        Objects.requireNonNull(enrollment);
        serverAddresses = Set.copyOf(serverAddresses);
    }
}
