package net.zcc.agent.nfqueue;

/**
 * The MTU of the route to a peer, as the kernel knows it (interface MTU or a learnt path MTU):
 * a UDP socket connected to the peer (nothing is sent) answers IP_MTU / IPV6_MTU.
 *
 * <p>It lives here because all of the agent's libc calls do ({@link Libc}). The data plane asks
 * once per connection, to leave room for the ZCC option in what the local stack sends.
 */
public final class RouteMtu {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int IPPROTO_IP = 0;
    private static final int IP_MTU = 14;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_MTU = 24;
    private static final int DISCARD_PORT = 9;

    private RouteMtu() {
    }

    /** The route MTU towards {@code peer} (4 or 16 address bytes), or -1 if the kernel cannot say. */
    public static int of(byte[] peer) {
        boolean v4 = peer.length == 4;
        int fd = Libc.socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return -1;
        }
        try {
            byte[] sa = v4 ? sockaddrIn(peer) : sockaddrIn6(peer);
            if (Libc.connect(fd, sa, sa.length) != 0) {
                return -1;
            }
            int[] value = new int[1];
            int[] len = {4};
            int rc = v4 ? Libc.getsockopt(fd, IPPROTO_IP, IP_MTU, value, len)
                    : Libc.getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, value, len);
            return rc == 0 ? value[0] : -1;
        } finally {
            Libc.close(fd);
        }
    }

    /** struct sockaddr_in: family (host order), port, address, 8 bytes of zero. */
    private static byte[] sockaddrIn(byte[] a) {
        byte[] sa = new byte[16];
        family(sa, AF_INET);
        sa[2] = 0;
        sa[3] = DISCARD_PORT;
        System.arraycopy(a, 0, sa, 4, 4);
        return sa;
    }

    /** struct sockaddr_in6: family, port, flow info, address, scope id. */
    private static byte[] sockaddrIn6(byte[] a) {
        byte[] sa = new byte[28];
        family(sa, AF_INET6);
        sa[3] = DISCARD_PORT;
        System.arraycopy(a, 0, sa, 8, 16);
        return sa;
    }

    private static void family(byte[] sa, int family) {
        // sa_family_t is in host order.
        if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN) {
            sa[0] = (byte) family;
        } else {
            sa[1] = (byte) family;
        }
    }
}
