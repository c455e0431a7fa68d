package net.zcc.agent.management;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.zcc.jmx.AgentMXBean;

/** {@code zcc:type=Agent}: who this agent is and how its link to the key server stands. */
public final class AgentBean implements AgentMXBean {
    /** The agent's version when the jar's manifest does not say. */
    static final String FALLBACK_VERSION = "0.1.0";

    /**
     * What the bean reports, as the agent knows it at start; the certificate and the key server's
     * reachability are asked each time (renewal, outages).
     *
     * @param keyId the host's key id; empty when not enrolled
     * @param keyServerState "not-enrolled", "pending" or "manual-keys" when there is no key server client
     * @param reachable the key server client's last call; empty before the first or without a client
     */
    public record Facts(String keyId, List<String> addresses, String keyServerUrl, String keyServerState,
            Supplier<Optional<Boolean>> reachable, Supplier<Optional<X509Certificate>> certificate) {
        public static Facts manualKeys() {
            return new Facts("", List.of(), "", "manual-keys", Optional::empty, Optional::empty);
        }
    }

    /** The IP address SANs of a host certificate, as the key server wrote them. */
    public static List<String> ipAddresses(X509Certificate cert) {
        try {
            var sans = cert.getSubjectAlternativeNames();
            return sans == null ? List.of() : sans.stream().filter(san -> Integer.valueOf(7).equals(san.get(0)))
                    .map(san -> String.valueOf(san.get(1))).toList();
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
    }

    private final Facts facts;
    private final long startNanos = System.nanoTime();
    private final int protocolVersion;

    public AgentBean(Facts facts, int protocolVersion) {
        this.facts = facts;
        this.protocolVersion = protocolVersion;
    }

    @Override
    public String getHostKeyId() {
        return facts.keyId();
    }

    @Override
    public List<String> getAddresses() {
        return facts.addresses();
    }

    @Override
    public String getVersion() {
        String v = AgentBean.class.getPackage().getImplementationVersion();
        return v != null ? v : FALLBACK_VERSION;
    }

    @Override
    public int getProtocolVersion() {
        return protocolVersion;
    }

    @Override
    public long getUptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000L;
    }

    @Override
    public String getKeyServerState() {
        if (!"reachable".equals(facts.keyServerState())) {
            return facts.keyServerState(); // no client: not enrolled, pending or manual keys
        }
        return facts.reachable().get().map(up -> up ? "reachable" : "unreachable").orElse("reachable");
    }

    @Override
    public String getKeyServerUrl() {
        return facts.keyServerUrl();
    }

    @Override
    public long getCertificateNotAfterEpochSeconds() {
        return facts.certificate().get().map(c -> c.getNotAfter().toInstant().getEpochSecond()).orElse(0L);
    }
}
