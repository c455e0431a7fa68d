package net.zcc.keyserver.store;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The one text form of an address used as a database key. */
final class AddressText {
    private AddressText() {
    }

    /**
     * Canonical text of {@code address}: rebuilt from its raw bytes so an IPv6 scope id is
     * dropped and an IPv4-mapped IPv6 address becomes plain IPv4.
     */
    static String of(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress()).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address", e);
        }
    }

    static InetAddress parse(String text) {
        try {
            // A literal never triggers a DNS lookup.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new StoreException("corrupt address in the key store: " + text, e);
        }
    }
}
