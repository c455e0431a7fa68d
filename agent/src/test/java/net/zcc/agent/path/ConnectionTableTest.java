package net.zcc.agent.path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.util.Arrays;
import net.zcc.agent.crypto.ConnectionKeys;
import net.zcc.servicefile.Policy;
import net.zcc.servicefile.Role;
import net.zcc.servicefile.Service;
import org.junit.jupiter.api.Test;

/** Connections leave the table on time, and take their key material with them. */
class ConnectionTableTest {

    @Test
    void aClosedConnectionIsSweptAfterItsGraceWithItsKeysWiped() throws Exception {
        long[] now = {0};
        ConnectionTable table = new ConnectionTable(() -> now[0]);
        Service s = new Service("s", InetAddress.getByName("198.18.0.2"), 8080, Role.SERVER, "aes-256", true, false,
                Policy.REQUIRE);
        Connection c = new Connection(new FlowKey(InetAddress.getByName("198.18.0.2").getAddress(), 40000, 8080), s,
                ServiceCounters.NONE, true, 1, Connection.State.ESTABLISHED, now[0]);
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) 7);
        c.sessionKey = k.clone();
        c.keys = ConnectionKeys.derive(k, new byte[8], new byte[8], 1, 40000, 8080);
        table.put(c);
        c.close(now[0]);

        now[0] += ConnectionTable.CLOSED_GRACE.toNanos(); // not yet: retransmissions may still come
        assertEquals(0, table.sweep());
        assertFalse(Arrays.equals(new byte[32], c.keys.encKey(0)));

        now[0] += 1;
        assertEquals(1, table.sweep());
        assertEquals(0, table.size());
        assertArrayEquals(new byte[32], c.keys.encKey(0), "connection keys wiped");
        assertArrayEquals(new byte[32], c.sessionKey, "session key copy wiped");
    }
}
