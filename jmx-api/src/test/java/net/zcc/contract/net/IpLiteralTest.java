package net.zcc.contract.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Literals only, never a name lookup; one host for parseHost; RFC 5952 text out. */
class IpLiteralTest {

    @Test
    void hostLiteralsNeverResolveNames() {
        for (String bad : List.of("localhost", "example.org", "1.2.3", "256.1.1.1", "010.0.0.1", "0.0.0.0", "::",
                "224.0.0.1", "ff02::1", "::ffff:198.18.0.1", "fe80::1%eth0", "[2001:2::1]", "")) {
            assertThrows(IllegalArgumentException.class, () -> IpLiteral.parseHost(bad), bad);
        }
        assertEquals(InetAddress.getLoopbackAddress(), IpLiteral.parseHost("127.0.0.1"));
    }

    @Test
    void anyAddressParsesButOnlyAsALiteral() throws Exception {
        assertEquals(InetAddress.getByName("0.0.0.0"), IpLiteral.parse("0.0.0.0"));
        assertEquals(InetAddress.getByName("ff02::1"), IpLiteral.parse("ff02::1"));
        for (String bad : List.of("localhost", "1.2.3", "::ffff:198.18.0.1", "[::1]")) {
            assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse(bad), bad);
        }
    }

    @Test
    void formatsCanonically() {
        assertEquals("198.18.0.1", IpLiteral.format(IpLiteral.parseHost("198.18.0.1")));
        assertEquals("::1", IpLiteral.format(IpLiteral.parseHost("0:0:0:0:0:0:0:1")));
        assertEquals("2001:2:0:1::", IpLiteral.format(IpLiteral.parseHost("2001:2:0:1:0:0:0:0")));
        assertEquals("2001:2::1:0:0:1", IpLiteral.format(IpLiteral.parseHost("2001:2:0:0:1:0:0:1")));
    }
}
