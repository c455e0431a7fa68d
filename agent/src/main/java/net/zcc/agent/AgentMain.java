package net.zcc.agent;

import net.zcc.agent.configd.ConfigDaemon;

/**
 * Starts zcc_configd with the kernel queues and the ZCC data plane. Where the parts meet:
 * {@code configd} (service file, rules, signals) drives {@link AgentPlane}, which runs the
 * {@code nfqueue} edge with the {@code path} package's packet processor.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        // Before anything could deserialise: the key server client must never turn bytes from the
        // network into objects (CVE-2019-17570), and nothing else in the agent needs to.
        net.zcc.agent.remote.SerialFilter.denyAll();
        System.exit(ConfigDaemon.main(args, AgentPlane::new));
    }
}
