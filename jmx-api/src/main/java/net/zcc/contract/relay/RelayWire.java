package net.zcc.contract.relay;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.zcc.contract.KeyId;

/**
 * The relay's paths and binary bodies. Both sides use this one definition: the agent sends and
 * polls with it, the key server's relay servlets serve it.
 *
 * <p><b>Send</b> ({@code POST /relay/send/<destination key id hex>}):
 * <pre>
 * body = sender static key (32 bytes: the sender's own X25519 static public key)
 *        message           (1..65535 bytes, the server may allow fewer: a Noise handshake message)
 * </pre>
 * The server refuses the body unless {@link KeyId#of} of its first 32 bytes is the key id of the
 * client certificate that sent it, so a host can only speak with its own key.
 *
 * <p><b>Poll answer</b> ({@code POST /relay/poll}, empty request body): zero or more frames, back
 * to back, and nothing else.
 * <pre>
 * frame = sender static key (32 bytes, raw X25519 public key; its key id is {@link KeyId#of})
 *         length            (2 bytes, unsigned big-endian, 1..65535)
 *         message           (length bytes)
 * </pre>
 * An empty body means the poll timed out with no message. The full static key, not only its
 * 16-byte id, because the receiver's Noise KK needs the initiator's static key to answer; the
 * relay has checked it against the sender's certificate, and the handshake then proves the sender
 * holds the private key. Binary because Noise messages are binary and small; no count field
 * because the body length (Content-Length) delimits it. Decoding is all or nothing: a body that
 * is not a sequence of whole frames is refused as a whole. Pure: no I/O.
 */
public final class RelayWire {

    /** The long-poll path. */
    public static final String POLL_PATH = "/relay/poll";
    /** The send path; the destination's key id follows as one more segment ({@link #sendPath}). */
    public static final String SEND_PATH = "/relay/send";
    /** Bytes of a sender's X25519 static public key, in a send body and in a frame. */
    public static final int SENDER_KEY_BYTES = KeyId.X25519_KEY_BYTES;
    /** Bytes of a frame before its message. */
    public static final int FRAME_HEADER_BYTES = SENDER_KEY_BYTES + 2;
    /** The smallest send body: the sender key and a one-byte message. */
    public static final int MIN_SEND_BODY = SENDER_KEY_BYTES + 1;
    /** The longest message a frame's length field can carry. */
    public static final int MAX_MESSAGE = 0xFFFF;

    /**
     * One relayed message and its sender's static key. The receiver owns {@code message} and
     * wipes it after use; the key is public.
     */
    public record Frame(byte[] senderKey, byte[] message) {
        /** Shows the sender's key id and the length only: this may end up in a log, the content must not. */
        @Override
        public String toString() {
            return "Frame[from=" + KeyId.of(senderKey) + ", " + message.length + " bytes]";
        }
    }

    private RelayWire() {
    }

    /** The path a message to {@code destination} is posted to. */
    public static String sendPath(KeyId destination) {
        return SEND_PATH + "/" + destination.hex();
    }

    /**
     * Encodes a send body: {@code senderKey ‖ message}. The result holds message bytes: the
     * caller wipes it after use.
     *
     * @throws IllegalArgumentException for a key that is not 32 bytes or a message that is not
     *     1..{@value #MAX_MESSAGE} bytes
     */
    public static byte[] sendBody(byte[] senderKey, byte[] message) {
        if (senderKey.length != SENDER_KEY_BYTES) {
            throw new IllegalArgumentException("a sender key is " + SENDER_KEY_BYTES + " bytes");
        }
        if (message.length == 0 || message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("a relay message is 1.." + MAX_MESSAGE + " bytes");
        }
        return ByteBuffer.allocate(SENDER_KEY_BYTES + message.length).put(senderKey).put(message).array();
    }

    /** Encodes frames as a poll answer. The result holds message bytes: the caller wipes it after use. */
    public static byte[] encode(List<Frame> frames) {
        int size = 0;
        for (Frame f : frames) {
            size += FRAME_HEADER_BYTES + f.message().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (Frame f : frames) {
            out.put(f.senderKey()).putShort((short) f.message().length).put(f.message());
        }
        return out.array();
    }

    /**
     * Decodes a poll answer, every length checked before it is used. On a malformed body the
     * messages decoded so far are wiped before the exception is thrown.
     */
    public static List<Frame> decode(byte[] body) throws MalformedFrameException {
        ByteBuffer in = ByteBuffer.wrap(body);
        List<Frame> out = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < FRAME_HEADER_BYTES) {
                wipe(out);
                throw new MalformedFrameException("truncated frame header at offset " + in.position());
            }
            byte[] sender = new byte[SENDER_KEY_BYTES];
            in.get(sender);
            int length = Short.toUnsignedInt(in.getShort());
            if (length == 0 || length > in.remaining()) {
                wipe(out);
                throw new MalformedFrameException("bad frame length " + length + " at offset " + (in.position() - 2));
            }
            byte[] message = new byte[length];
            in.get(message);
            out.add(new Frame(sender, message));
        }
        return out;
    }

    private static void wipe(List<Frame> frames) {
        frames.forEach(f -> Arrays.fill(f.message(), (byte) 0));
    }

    /** A poll answer that is not a sequence of whole frames. */
    public static final class MalformedFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String message) {
            super(message);
        }
    }
}
