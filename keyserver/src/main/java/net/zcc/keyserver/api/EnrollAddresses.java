package net.zcc.keyserver.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Set;
import net.zcc.contract.rpc.RpcFault;
import org.apache.xmlrpc.XmlRpcException;

/**
 * Which addresses a host may own: a unicast address that is not loopback and not the key
 * server's own. Anything else would let one host answer for every machine (0.0.0.0, ::), for its
 * own peers' loopback traffic, for a broadcast or multicast group, or for the key server itself.
 */
final class EnrollAddresses {

    private static final byte[] BROADCAST = {(byte) 255, (byte) 255, (byte) 255, (byte) 255};

    private EnrollAddresses() {
    }

    /** Throws {@link RpcFault#ADDRESS_REFUSED} naming the address and why, unless a host may own it. */
    static void check(InetAddress a, Set<InetAddress> serverAddresses) throws XmlRpcException {
        String why = null;
        if (a.isAnyLocalAddress()) {
            why = "the unspecified address";
        } else if (a.isLoopbackAddress()) {
            why = "a loopback address";
        } else if (a instanceof Inet4Address && java.util.Arrays.equals(a.getAddress(), BROADCAST)) {
            why = "the broadcast address";
        } else if (a.isMulticastAddress()) {
            why = "a multicast address";
        } else if (serverAddresses.contains(a)) {
            why = "the key server's own address";
        }
        if (why != null) {
            throw ApiFaults.fault(RpcFault.ADDRESS_REFUSED,
                    a.getHostAddress() + " is " + why + " and cannot belong to a host");
        }
    }
}
