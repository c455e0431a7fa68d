package net.zcc.keyserver.rpc;

import org.apache.xmlrpc.server.XmlRpcErrorLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused or failed XML-RPC requests without stack traces and without flooding: the first
 * refusal of each kind (fault code, HTTP status) per minute is one WARN line, the rest are summed
 * up ({@link LogThrottle}); every refusal with its detail is at DEBUG.
 *
 * <p>Why: the stock logger writes a full stack trace at ERROR for every bad request, so anyone who
 * can reach the port could fill the disk.
 */
final class QuietErrorLogger extends XmlRpcErrorLogger {

    private static final Logger LOG = LoggerFactory.getLogger("net.zcc.keyserver.rpc.refused");
    /** Keeps one line short even when the message echoes part of a hostile request. */
    private static final int MAX_MESSAGE = 200;
    private final LogThrottle throttle = new LogThrottle(LOG, "XML-RPC requests refused", 60, 64);

    @Override
    public void log(String message, Throwable t) {
        throttle.note(PlainFaults.kind(t), oneLine(message) + " (" + t.getClass().getSimpleName() + ")");
        if (LOG.isDebugEnabled()) {
            LOG.debug("XML-RPC refusal detail", t);
        }
    }

    @Override
    public void log(String message) {
        String flat = oneLine(message);
        int cut = flat.indexOf(':');
        throttle.note(cut > 0 ? flat.substring(0, Math.min(cut, 40)) : "refusals", flat);
        LOG.debug("XML-RPC request refused: {}", flat);
    }

    /** Strips line breaks (log injection) and truncates. */
    static String oneLine(String s) {
        if (s == null) {
            return "-";
        }
        String flat = s.replaceAll("[\\r\\n\\t]+", " ");
        return flat.length() <= MAX_MESSAGE ? flat : flat.substring(0, MAX_MESSAGE) + "...";
    }
}
