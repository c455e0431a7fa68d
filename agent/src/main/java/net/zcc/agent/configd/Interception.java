package net.zcc.agent.configd;

/**
 * How protected packets reach the NFQUEUE (DESIGN.md 2).
 *
 * <p>Kernels differ: some have the native nftables {@code queue} expression, others (these test
 * machines) only the xtables NFQUEUE target reached through iptables-nft. Both layouts keep
 * classification in the {@code inet zcc} table, so a reload is always one atomic nft transaction.
 */
public enum Interception {
    /** {@code queue num A-B} directly in the {@code inet zcc} chains. */
    NATIVE,
    /**
     * The {@code inet zcc} chains set a packet mark; fixed iptables-nft rules (mangle OUTPUT, raw
     * PREROUTING) queue marked packets. The fixed rules never change on reload.
     */
    XTABLES_MARK
}
