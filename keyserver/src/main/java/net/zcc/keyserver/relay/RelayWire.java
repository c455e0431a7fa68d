package net.zcc.keyserver.relay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.zcc.keyserver.store.KeyId;

/**
 * The poll response body: zero or more frames, back to back, and nothing else.
 *
 * <pre>
 * frame = sender key id (16 bytes, raw; the hex form is {@link KeyId#hex()})
 *         length        (2 bytes, unsigned big-endian, 1..65535)
 *         message       (length bytes)
 * </pre>
 *
 * An empty body means the poll timed out with no message. Binary because Noise messages are
 * binary and small; no count field because the body length (Content-Length) delimits it.
 */
public final class RelayWire {

    /** Bytes of a raw key id. */
    public static final int KEY_ID_BYTES = 16;
    /** Bytes of a frame before its message. */
    public static final int FRAME_HEADER_BYTES = KEY_ID_BYTES + 2;

    private RelayWire() {
    }

    /** Encodes messages as frames. The result holds message bytes: the caller wipes it after use. */
    public static byte[] encode(List<Delivered> messages) {
        int size = 0;
        for (Delivered d : messages) {
            size += FRAME_HEADER_BYTES + d.message().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (Delivered d : messages) {
            out.put(HexFormat.of().parseHex(d.from().hex()));
            out.putShort((short) d.message().length);
            out.put(d.message());
        }
        return out.array();
    }

    /**
     * Decodes a poll response body.
     *
     * @throws IllegalArgumentException if the body is not a sequence of whole frames
     */
    public static List<Delivered> decode(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        List<Delivered> out = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < FRAME_HEADER_BYTES) {
                throw new IllegalArgumentException("truncated frame header");
            }
            byte[] id = new byte[KEY_ID_BYTES];
            in.get(id);
            int length = Short.toUnsignedInt(in.getShort());
            if (length == 0 || in.remaining() < length) {
                throw new IllegalArgumentException("bad frame length");
            }
            byte[] message = new byte[length];
            in.get(message);
            out.add(new Delivered(new KeyId(HexFormat.of().formatHex(id)), message));
        }
        return out;
    }

    /**
     * Reads at most {@code max} bytes into one array (no growing buffers that leave stray copies
     * of a message behind); returns null if the stream holds more.
     */
    static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] buf = new byte[max + 1];
        int len = 0;
        int n;
        while (len < buf.length && (n = in.read(buf, len, buf.length - len)) >= 0) {
            len += n;
        }
        if (len > max) {
            Arrays.fill(buf, (byte) 0);
            return null;
        }
        byte[] out = Arrays.copyOf(buf, len);
        Arrays.fill(buf, (byte) 0);
        return out;
    }
}
