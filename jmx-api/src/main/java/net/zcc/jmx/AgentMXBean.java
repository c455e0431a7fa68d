package net.zcc.jmx;

/**
 * The agent itself ({@code zcc:type=Agent}): who it is, which version runs, and how its link to
 * the key server stands. Read by the console and by monitoring tools through Jolokia.
 */
public interface AgentMXBean {
    String OBJECT_NAME = "zcc:type=Agent";

    /** Key ids are 16 hex digits of the host's X25519 public key (the key server's host id); empty when not enrolled. */
    String getHostKeyId();

    /** The addresses this host enrolled with (IP literals). */
    java.util.List<String> getAddresses();

    /** The agent's software version, e.g. "0.1.0". */
    String getVersion();

    /** The wire protocol version the data plane speaks (PROTOCOL.md 2). */
    int getProtocolVersion();

    long getUptimeSeconds();

    /** "not-enrolled", "pending", "manual-keys" (key file only), "reachable" or "unreachable". */
    String getKeyServerState();

    /** The key server's URL, empty when not enrolled. */
    String getKeyServerUrl();

    /** When the client certificate expires, seconds since the epoch; 0 without one. */
    long getCertificateNotAfterEpochSeconds();
}
