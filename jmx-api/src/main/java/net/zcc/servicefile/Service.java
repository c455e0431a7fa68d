package net.zcc.servicefile;

import java.net.InetAddress;
import java.util.Objects;
import net.zcc.contract.net.IpLiteral;

/**
 * One protected TCP service: the seed's six required attributes plus the optional ones.
 *
 * @param name     a label unique within the file; the {@code zcc} tool addresses services by it
 * @param host     the peer, an IPv4 or IPv6 literal (never a DNS name: rules must not depend on DNS)
 * @param port     the TCP port, 1 to 65535; local for {@link Role#CLIENT}, remote for {@link Role#SERVER}
 * @param role     whether the peer is the client or the server of the connection
 * @param scheme   the cipher suite name
 * @param encrypt  whether the service is protected at all (the seed's on/off switch)
 * @param compress whether segments are compressed before sealing (off by default, DESIGN.md 6)
 * @param policy   what to do with a peer that does not run ZCC
 */
public record Service(
        String name,
        InetAddress host,
        int port,
        Role role,
        String scheme,
        boolean encrypt,
        boolean compress,
        Policy policy) {

    public Service {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(policy, "policy");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** The identity of a service: two entries with the same key describe the same traffic. */
    public Key key() {
        return new Key(host, port, role);
    }

    /** True for IPv6 peers. */
    public boolean isIpv6() {
        return host instanceof java.net.Inet6Address;
    }

    /** The host as written in files and rules: the canonical literal, no brackets, no zone. */
    public String hostLiteral() {
        return IpLiteral.format(host);
    }

    public Service withEncrypt(boolean on) {
        return new Service(name, host, port, role, scheme, on, compress, policy);
    }

    /** (host, port, type): the uniqueness key of the service file. */
    public record Key(InetAddress host, int port, Role role) {
        @Override
        public String toString() {
            return IpLiteral.format(host) + " port " + port + " type " + role.xml();
        }
    }
}
