package net.zcc.keyserver.rpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body into memory, refusing it once it passes a byte limit.
 *
 * <p>Why read it all first: the limit must hold when Content-Length is absent (chunked) or lies, and
 * a refusal must become HTTP 413 rather than a half-parsed XML-RPC fault. Bytes are counted as
 * they arrive, so a 10 MB body costs at most {@code limit + 1} bytes of memory.
 */
final class BoundedBody {

    /** Thrown when the body is larger than the limit. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super("request body larger than " + limit + " bytes");
        }
    }

    private BoundedBody() { }

    /**
     * Returns the whole of {@code in}, or throws once more than {@code limit} bytes were read.
     *
     * @throws TooLargeException if the stream holds more than {@code limit} bytes
     */
    static byte[] read(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buf = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buf)) != -1; ) {
            total += n;
            if (total > limit) {
                throw new TooLargeException(limit);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
