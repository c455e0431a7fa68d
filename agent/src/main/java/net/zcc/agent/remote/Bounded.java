package net.zcc.agent.remote;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a whole HTTP body into one array, refusing more than a bound (no unbounded buffers). */
final class Bounded {

    private Bounded() {
    }

    /** Up to {@code max} bytes of {@code in}; an IOException naming {@code what} if there are more. */
    static byte[] read(InputStream in, int max, String what) throws IOException {
        byte[] buf = new byte[Math.min(max + 1, 8192)];
        int len = 0;
        while (true) {
            if (len == buf.length) {
                if (buf.length > max) {
                    Arrays.fill(buf, (byte) 0);
                    throw new IOException(what + " longer than " + max + " bytes");
                }
                byte[] bigger = Arrays.copyOf(buf, Math.min(buf.length * 2, max + 1));
                Arrays.fill(buf, (byte) 0); // relay bodies hold handshake messages: leave no stray copy
                buf = bigger;
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                break;
            }
            len += n;
        }
        byte[] out = Arrays.copyOf(buf, len);
        Arrays.fill(buf, (byte) 0);
        return out;
    }
}
