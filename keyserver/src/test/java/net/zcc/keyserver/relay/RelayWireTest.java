package net.zcc.keyserver.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The poll body format round-trips and refuses partial frames. */
class RelayWireTest {
    @Test
    void roundTrips() {
        byte[] body = RelayWire.encode(List.of(new Delivered(RelayTest.A, new byte[] {1, 2, 3}),
                new Delivered(RelayTest.B, new byte[1024])));
        assertEquals(2 * RelayWire.FRAME_HEADER_BYTES + 3 + 1024, body.length);
        List<Delivered> back = RelayWire.decode(body);
        assertEquals(RelayTest.A, back.get(0).from());
        assertArrayEquals(new byte[] {1, 2, 3}, back.get(0).message());
        assertEquals(1024, back.get(1).message().length);
        assertEquals(List.of(), RelayWire.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> RelayWire.decode(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> RelayWire.decode(java.util.Arrays.copyOf(body, 20)));
    }
}
