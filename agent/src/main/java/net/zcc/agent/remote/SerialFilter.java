package net.zcc.agent.remote;

import java.io.ObjectInputFilter;

/**
 * The JVM-wide Java deserialisation filter of the agent and the zcc tool: deny everything.
 *
 * <p>Why: neither process has any business deserialising Java objects, and the XML-RPC client
 * library we use (Apache XML-RPC 3.1.3) has a known path that does it (CVE-2019-17570, a fault's
 * {@code faultCause}). Reading responses with the contract's {@code MethodResponseReader} instead
 * closes that path; this filter is the second wall, for any path we do not know about. Call
 * {@link #denyAll()} first thing in {@code main}.
 */
public final class SerialFilter {

    private SerialFilter() {
    }

    /**
     * Installs a filter that rejects every class, unless a JVM-wide filter is already set (for
     * example with {@code -Djdk.serialFilter=...}); an operator's explicit choice wins.
     *
     * @return true if this call installed the deny-all filter
     */
    public static synchronized boolean denyAll() {
        if (ObjectInputFilter.Config.getSerialFilter() != null) {
            return false;
        }
        ObjectInputFilter.Config.setSerialFilter(ObjectInputFilter.Config.createFilter("!*"));
        return true;
    }
}
