package net.zcc.keyserver.relay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.zcc.keyserver.store.KeyId;

/**
 * The relay's two binary bodies.
 *
 * <p><b>Send</b> ({@code POST /relay/send/<destination key id hex>}):
 * <pre>
 * body = sender static key (32 bytes: the sender's own X25519 static public key)
 *        message           (1..maxMessageBytes bytes: the Noise handshake message)
 * </pre>
 * The server refuses the body unless {@link KeyId#of} of its first 32 bytes is the key id of the
 * client certificate that sent it, so a host can only speak with its own key.
 *
 * <p><b>Poll response</b> ({@code POST /relay/poll}): zero or more frames, back to back, and
 * nothing else.
 * <pre>
 * frame = sender static key (32 bytes, raw X25519 public key; its key id is {@link KeyId#of})
 *         length            (2 bytes, unsigned big-endian, 1..65535)
 *         message           (length bytes)
 * </pre>
 * An empty body means the poll timed out with no message. The full static key, not only its
 * 16-byte id, because the receiver's Noise KK needs the initiator's static key to answer.
 * Binary because Noise messages are binary and small; no count field because the body length
 * (Content-Length) delimits it.
 */
public final class RelayWire {

    /** Bytes of a sender's X25519 static public key, in a send body and in a frame. */
    public static final int SENDER_KEY_BYTES = KeyId.X25519_KEY_BYTES;
    /** Bytes of a frame before its message. */
    public static final int FRAME_HEADER_BYTES = SENDER_KEY_BYTES + 2;
    /** The smallest send body: the sender key and a one-byte message. */
    public static final int MIN_SEND_BODY = SENDER_KEY_BYTES + 1;

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
            d.putSenderKey(out);
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
            byte[] key = new byte[SENDER_KEY_BYTES];
            in.get(key);
            int length = Short.toUnsignedInt(in.getShort());
            if (length == 0 || in.remaining() < length) {
                throw new IllegalArgumentException("bad frame length");
            }
            byte[] message = new byte[length];
            in.get(message);
            out.add(new Delivered(key, message));
        }
        return out;
    }

    /**
     * Encodes a send body: {@code senderKey ‖ message}. The result holds message bytes: the
     * caller wipes it after use.
     */
    public static byte[] sendBody(byte[] senderKey, byte[] message) {
        if (senderKey.length != SENDER_KEY_BYTES) {
            throw new IllegalArgumentException("a sender key is " + SENDER_KEY_BYTES + " bytes");
        }
        byte[] body = Arrays.copyOf(senderKey, SENDER_KEY_BYTES + message.length);
        System.arraycopy(message, 0, body, SENDER_KEY_BYTES, message.length);
        return body;
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
