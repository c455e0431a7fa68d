package net.zcc.agent.wire;

/**
 * Why a packet could not be read as what the agent expected. The caller drops such a packet
 * and counts it (fail closed); nothing on the packet path throws for bad input.
 */
public enum Malformation {
    /** Fewer bytes than a header, or a length field pointing past the received bytes. */
    TRUNCATED,
    /** IP version not 4 or 6, IHL below 5, a total length below the header length, or an IPv6 jumbogram. */
    BAD_IP_HEADER,
    /** An IPv4 fragment (MF set or a non-zero offset): TCP options and ports may be elsewhere. */
    FRAGMENT,
    /** The transport protocol is not TCP (or, for {@link IcmpTooBig}, not ICMP). */
    NOT_TCP,
    /** IPv6 with extension headers before TCP; the agent does not walk them, the packet is dropped. */
    IPV6_EXTENSION_HEADERS,
    /** TCP data offset below 5 or beyond the packet. */
    BAD_TCP_HEADER,
    /** A TCP option whose length is below 2 or runs past the option area. */
    BAD_TCP_OPTIONS,
    /** ICMP that is not "fragmentation needed" (v4 type 3 code 4) nor "packet too big" (v6 type 2). */
    NOT_ICMP_TOO_BIG,
    /** The packet quoted in an ICMP error is not an IP header plus 8 bytes of TCP. */
    BAD_QUOTED_PACKET
}
