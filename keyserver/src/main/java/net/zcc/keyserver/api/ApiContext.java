package net.zcc.keyserver.api;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import net.zcc.keyserver.HostAccess;
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
 * @param tlsKeys TLS keys given at enrollment (in memory)
 * @param access the cached host-state check, invalidated on every state change made here
 * @param clock the time source
 * @param clientCertificateValidity lifetime of issued client certificates
 */
public record ApiContext(HostDirectory hosts, EnrollmentTokens tokens, FleetCa ca, TlsKeyRegistry tlsKeys,
        HostAccess access, Clock clock, Duration clientCertificateValidity) {

    /** Checks for nulls. */
    public ApiContext {
        Objects.requireNonNull(hosts);
        Objects.requireNonNull(tokens);
        Objects.requireNonNull(ca);
        Objects.requireNonNull(tlsKeys);
        Objects.requireNonNull(access);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(clientCertificateValidity);
    }
}
