package net.zcc.keyserver.store;

import java.io.Writer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Derby's error stream ({@code derby.log}) to slf4j instead of a file in the current
 * directory. Public only because Derby looks the field up by reflection
 * ({@code derby.stream.error.field}); not part of the store's API.
 */
public final class DerbyErrorStream extends Writer {
    /** The writer Derby is pointed at. */
    public static final Writer SINK = new DerbyErrorStream();

    private static final Logger LOG = LoggerFactory.getLogger("org.apache.derby");
    private static final int MAX_LINE = 8192;
    private final StringBuilder line = new StringBuilder();

    private DerbyErrorStream() {
    }

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == '\n' || line.length() >= MAX_LINE) {
                flushLine();
            }
            if (c != '\n' && c != '\r') {
                line.append(c);
            }
        }
    }

    @Override
    public synchronized void flush() {
        flushLine();
    }

    @Override
    public void close() {
        flush();
    }

    private void flushLine() {
        if (line.length() > 0) {
            LOG.info("{}", line);
            line.setLength(0);
        }
    }
}
