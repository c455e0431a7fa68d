package net.zcc.keyserver.rpc;

import org.apache.xmlrpc.server.XmlRpcErrorLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a refused or failed XML-RPC request as one WARN line without a stack trace.
 *
 * <p>Why: the stock logger writes a full stack trace at ERROR for every bad request, so anyone who
 * can reach the port can flood the log. The trace is still available at DEBUG.
 */
final class QuietErrorLogger extends XmlRpcErrorLogger {

    private static final Logger LOG = LoggerFactory.getLogger("net.zcc.keyserver.rpc.refused");
    /** Keeps one line short even when the message echoes part of a hostile request. */
    private static final int MAX_MESSAGE = 200;

    @Override
    public void log(String message, Throwable t) {
        LOG.warn("XML-RPC request refused: {} ({})", oneLine(message), t.getClass().getSimpleName());
        if (LOG.isDebugEnabled()) {
            LOG.debug("XML-RPC refusal detail", t);
        }
    }

    @Override
    public void log(String message) {
        LOG.warn("XML-RPC request refused: {}", oneLine(message));
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
