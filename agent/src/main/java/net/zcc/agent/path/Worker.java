package net.zcc.agent.path;

import net.zcc.agent.crypto.Compressor;
import net.zcc.agent.crypto.MacInput;
import net.zcc.agent.wire.IcmpTooBig;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;

/**
 * What one queue thread reuses for every packet: the packet buffer and views, the MAC header,
 * option and tag scratch and a compressor (keyed crypto belongs to each connection). Nothing here is shared
 * between threads, so the hot path allocates nothing and takes no lock but the connection's.
 */
final class Worker {
    /** A whole IP packet (64 KiB) plus room for the ZCC option and a restored compressed payload. */
    final byte[] buf = new byte[65536 + TcpPacket.MAX_GROWTH + 64];
    final TcpPacket tcp = new TcpPacket();
    final IcmpTooBig icmp = new IcmpTooBig();
    final byte[] head = new byte[MacInput.LENGTH];
    final byte[] option = new byte[40];
    final byte[] tag = new byte[ZccOption.TAG_LENGTH];
    final byte[] scratch = new byte[65536 + 64];
    final byte[] addr = new byte[16];
    final Compressor compressor = new Compressor();
    /** Nonces: a DRBG per worker, seeded once by the JDK, so a SYN costs no system call or lock. */
    final java.security.SecureRandom random = newDrbg();
    /**
     * The counters of the service the packet in hand belongs to, as soon as a path knows it
     * (connection or service lookup); {@link ServiceCounters#NONE} until then. Drops are
     * attributed to it.
     */
    ServiceCounters service = ServiceCounters.NONE;
    /** Set when the rewritten packet is the ICMP message (its length never changes). */
    boolean icmpRewritten;
    /** Set when the rewritten packet was turned around to this host (a reset for the local stack). */
    boolean reflected;
    /** Set with {@link Action#HOLD}: the key the held SYN waits for. */
    java.util.concurrent.CompletableFuture<java.util.Optional<net.zcc.agent.keys.SessionKey>> pendingKey;
    /** Set while a held SYN is processed again: the key source's answer, so it is not asked twice. */
    java.util.Optional<net.zcc.agent.keys.SessionKey> resolvedKey;

    private static java.security.SecureRandom newDrbg() {
        try {
            return java.security.SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new java.security.SecureRandom();
        }
    }
}
