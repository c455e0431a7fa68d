package net.zcc.keyserver.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The send and poll body formats: exact layout, round trip, partial frames refused. */
class RelayWireTest {
    @Test
    void roundTrips() {
        byte[] body = RelayWire.encode(List.of(new Delivered(RelayTest.key(1), new byte[] {1, 2, 3}),
                new Delivered(RelayTest.key(2), new byte[1024])));
        assertEquals(2 * RelayWire.FRAME_HEADER_BYTES + 3 + 1024, body.length);
        List<Delivered> back = RelayWire.decode(body);
        assertEquals(RelayTest.A, back.get(0).from());
        assertArrayEquals(RelayTest.KEY_A, back.get(0).senderKey());
        assertArrayEquals(new byte[] {1, 2, 3}, back.get(0).message());
        assertEquals(RelayTest.B, back.get(1).from());
        assertEquals(1024, back.get(1).message().length);
        assertEquals(List.of(), RelayWire.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> RelayWire.decode(new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> RelayWire.decode(Arrays.copyOf(body, 40)));
        byte[] zeroLength = Arrays.copyOf(body, RelayWire.FRAME_HEADER_BYTES);
        zeroLength[32] = 0;
        zeroLength[33] = 0;
        assertThrows(IllegalArgumentException.class, () -> RelayWire.decode(zeroLength));
    }

    @Test
    void frameIsStaticKeyThenBigEndianLengthThenMessage() {
        byte[] message = new byte[300];
        Arrays.fill(message, (byte) 0x77);
        byte[] frame = RelayWire.encode(List.of(new Delivered(RelayTest.key(1), message.clone())));
        assertEquals(34, RelayWire.FRAME_HEADER_BYTES);
        assertArrayEquals(RelayTest.KEY_A, Arrays.copyOfRange(frame, 0, 32));
        assertEquals("012c", HexFormat.of().formatHex(frame, 32, 34), "300, unsigned big-endian");
        assertArrayEquals(message, Arrays.copyOfRange(frame, 34, frame.length));
    }

    @Test
    void sendBodyIsStaticKeyThenMessage() {
        byte[] body = RelayWire.sendBody(RelayTest.KEY_A, new byte[] {9, 8});
        assertEquals(34, body.length);
        assertArrayEquals(RelayTest.KEY_A, Arrays.copyOfRange(body, 0, 32));
        assertArrayEquals(new byte[] {9, 8}, Arrays.copyOfRange(body, 32, 34));
        assertEquals(33, RelayWire.MIN_SEND_BODY);
        assertThrows(IllegalArgumentException.class, () -> RelayWire.sendBody(new byte[16], new byte[1]));
    }
}
