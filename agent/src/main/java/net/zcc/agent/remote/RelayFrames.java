package net.zcc.agent.remote;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.zcc.agent.keys.PeerKey;

/**
 * The relay's wire formats as the agent sees them.
 *
 * <pre>
 * send body   = own static public key (32) ‖ message
 * poll answer = frame*                      (empty: the poll timed out)
 * frame       = sender static public key (32)
 *               length  (2, unsigned big-endian, 1..65535)
 *               message (length bytes)
 * </pre>
 *
 * The server checks that a send's key hashes to the key id of the sender's client certificate,
 * so the sender key in a frame is authenticated by the relay; the Noise handshake then proves the
 * sender holds the private key. Decoding is all or nothing: a body that is not a sequence of whole
 * frames is refused as a whole. Pure: no I/O.
 */
final class RelayFrames {

    static final int KEY_BYTES = PeerKey.LENGTH;
    static final int HEADER_BYTES = KEY_BYTES + 2;
    static final int MAX_MESSAGE = 0xFFFF;

    /** One message from the relay; the receiver owns {@code message}. */
    record Frame(PeerKey from, byte[] message) {
        @Override
        public String toString() {
            return "Frame[from=" + from + ", " + message.length + " bytes]";
        }
    }

    private RelayFrames() {
    }

    /** The body of a send. */
    static byte[] sendBody(PeerKey self, byte[] message) {
        if (message.length == 0 || message.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("a relay message is 1.." + MAX_MESSAGE + " bytes");
        }
        return ByteBuffer.allocate(KEY_BYTES + message.length).put(self.bytes()).put(message).array();
    }

    /** The frames of a poll answer, with every length checked before it is used. */
    static List<Frame> decode(byte[] body) throws MalformedFrameException {
        ByteBuffer in = ByteBuffer.wrap(body);
        List<Frame> out = new ArrayList<>();
        while (in.hasRemaining()) {
            if (in.remaining() < HEADER_BYTES) {
                wipe(out);
                throw new MalformedFrameException("truncated frame header at offset " + in.position());
            }
            byte[] sender = new byte[KEY_BYTES];
            in.get(sender);
            int length = Short.toUnsignedInt(in.getShort());
            if (length == 0 || length > in.remaining()) {
                wipe(out);
                throw new MalformedFrameException("bad frame length " + length + " at offset " + (in.position() - 2));
            }
            byte[] message = new byte[length];
            in.get(message);
            out.add(new Frame(PeerKey.of(sender), message));
        }
        return out;
    }

    /** Encodes frames (the server's side; for tests and symmetry). */
    static byte[] encode(List<Frame> frames) {
        int size = 0;
        for (Frame f : frames) {
            size += HEADER_BYTES + f.message().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (Frame f : frames) {
            out.put(f.from().bytes()).putShort((short) f.message().length).put(f.message());
        }
        return out.array();
    }

    private static void wipe(List<Frame> frames) {
        frames.forEach(f -> Arrays.fill(f.message(), (byte) 0));
    }

    /** A poll answer that is not a sequence of whole frames. */
    static final class MalformedFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String message) {
            super(message);
        }
    }
}
