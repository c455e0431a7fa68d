package net.zcc.keyserver.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key server's audit trail: one INFO line on logger {@value #LOGGER} per change of who may do
 * what (enrollment, approval, revocation, keys, tokens, certificates), naming the acting admin.
 * Public material only: key ids, addresses, schemes, expiry times; never a token, a key or a
 * certificate. The token store deletes used tokens, so this is where "which host enrolled when"
 * stays on record.
 */
public final class Audit {

    /** The logger name, for routing the audit trail to its own file. */
    static final String LOGGER = "zcc.audit";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private Audit() {
    }

    static void record(String event, Object... args) {
        LOG.info(event, args);
    }

    /** The sweep deleted an enrollment request that waited longer than {@code lifetime}. */
    public static void expired(net.zcc.contract.KeyId host, java.time.Duration lifetime) {
        LOG.info("enrollment request of host {} expired unapproved after {} and was deleted", host, lifetime);
    }

    /** A refused attempt to change something (a warning: someone tried). */
    static void refused(String event, Object... args) {
        LOG.warn(event, args);
    }
}
