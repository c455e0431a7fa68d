package net.zcc.agent.configd;

import java.io.IOException;

/**
 * The kernel firewall as zcc_configd sees it: the I/O edge of configuration. The real one runs
 * {@code nft} and {@code iptables}; tests of the daemon's logic use an in-memory one.
 */
public interface Firewall {
    /** Which interception path this kernel supports; probed once, without changing anything. */
    Interception probe() throws IOException;

    /** Applies a whole rendered script as one atomic transaction, or changes nothing and throws. */
    void apply(String nftScript) throws IOException;

    /** Installs the fixed queueing rules the chosen path needs (nothing for {@link Interception#NATIVE}). */
    void installQueueRules(RuleOptions options) throws IOException;

    /** Removes everything ZCC installed: the {@code inet zcc} table and the fixed queueing rules. */
    void uninstall(RuleOptions options) throws IOException;
}
