package net.zcc.contract.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parses and prints IP address literals without ever asking DNS. Both sides use it: the agent
 * for service files, key files, enrollment addresses and lookups; the key server for the
 * addresses it is sent and the one it binds to.
 *
 * <p>{@link InetAddress#getByName} resolves names; nothing here may depend on DNS (a service
 * file, a bound address, the address a host enrolls with), so the text is checked to be a literal
 * first and only then handed to the JDK. Dotted quads without leading zeros (a leading zero means
 * octal to inet_aton: refused rather than guessed), IPv6 in any RFC 4291 form but not IPv4-mapped.
 */
public final class IpLiteral {
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiteral() {
    }

    /**
     * Parses the IPv4 or IPv6 literal of one host: neither the unspecified address nor a
     * multicast one.
     *
     * @throws IllegalArgumentException with a message for a person if the text is not a usable
     *     host address
     */
    public static InetAddress parseHost(String text) {
        InetAddress addr = parse(text);
        if (addr.isAnyLocalAddress()) {
            throw new IllegalArgumentException("\"" + text + "\" is the unspecified address; name one host");
        }
        if (addr.isMulticastAddress()) {
            throw new IllegalArgumentException("\"" + text + "\" is a multicast address; TCP needs a unicast host");
        }
        return addr;
    }

    /**
     * Parses an IPv4 or IPv6 literal, any address.
     *
     * @throws IllegalArgumentException with a message for a person if the text is not one
     */
    public static InetAddress parse(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = !v4 && text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException(
                    "\"" + text + "\" is not an IPv4 or IPv6 address (host names are not allowed)");
        }
        try {
            InetAddress addr = InetAddress.getByName(text);
            if (v4 != (addr instanceof Inet4Address)) {
                // An IPv4-mapped IPv6 literal comes back as Inet4Address; the rules could not
                // match it in an ip6 set, so refuse it instead of guessing.
                throw new IllegalArgumentException("\"" + text + "\" is an IPv4-mapped IPv6 address; write the IPv4 address");
            }
            return addr;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a valid IP address");
        }
    }

    /** The canonical literal: dotted quad, or RFC 5952 compressed lower-case IPv6. */
    public static String format(InetAddress addr) {
        if (addr instanceof Inet6Address) {
            return compress6(addr.getAddress());
        }
        return addr.getHostAddress();
    }

    private static String compress6(byte[] b) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952: never compress a single zero group
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(w[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
