package net.zcc.keyserver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parses an IPv4 or IPv6 literal from the command line without ever asking DNS: a name would make
 * the bound address (and the server certificate's SAN) depend on the resolver at start time.
 */
final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() { }

    /** The address {@code text} spells; IPv6 may be in brackets. */
    static InetAddress parse(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        var v4 = IPV4.matcher(t);
        if (v4.matches()) {
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    throw new IllegalArgumentException("not an IP address: " + text);
                }
                b[i] = (byte) octet;
            }
            return byAddress(b, text);
        }
        if (t.indexOf(':') < 0 || !IPV6.matcher(t).matches()) {
            throw new IllegalArgumentException("not an IP address (names are not accepted): " + text);
        }
        try {
            return InetAddress.getByName(t); // contains ':': parsed as an IPv6 literal, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
    }

    private static InetAddress byAddress(byte[] b, String text) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }
}
