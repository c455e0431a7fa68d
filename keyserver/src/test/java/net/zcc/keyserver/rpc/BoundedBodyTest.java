package net.zcc.keyserver.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The byte limit, without sockets. */
class BoundedBodyTest {

    @Test
    void exactlyTheLimitIsAccepted() throws Exception {
        byte[] body = new byte[100];
        assertArrayEquals(body, BoundedBody.read(new ByteArrayInputStream(body), 100));
    }

    @Test
    void oneByteMoreIsRefused() {
        InputStream in = new ByteArrayInputStream(new byte[101]);
        assertThrows(BoundedBody.TooLargeException.class, () -> BoundedBody.read(in, 100));
    }
}
