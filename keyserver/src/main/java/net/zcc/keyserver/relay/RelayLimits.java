package net.zcc.keyserver.relay;

import java.time.Duration;

/**
 * Bounds of the in-memory relay. Every bound exists so that neither a chatty host nor a flood of
 * messages to made-up key ids can grow the key server's memory without limit.
 *
 * @param maxMessageBytes largest single message; Noise KK messages are under 100 bytes plus payload
 * @param maxMessagesPerHost messages waiting for one destination
 * @param maxBytesPerHost bytes waiting for one destination
 * @param maxTotalBytes bytes waiting in the whole relay, over all destinations
 * @param ttl how long a message waits before it is dropped and wiped
 * @param maxMessagesPerPair messages one sender may have waiting for one destination (well below
 *     {@code maxMessagesPerHost}, so one sender cannot fill a destination's mailbox)
 * @param maxBytesPerSender bytes one sender may have waiting over all destinations
 * @param maxMailboxesPerSender destinations one sender may have messages waiting for at once
 */
public record RelayLimits(int maxMessageBytes, int maxMessagesPerHost, int maxBytesPerHost, long maxTotalBytes,
        Duration ttl, int maxMessagesPerPair, int maxBytesPerSender, int maxMailboxesPerSender) {

    /**
     * 1 KiB messages, 32 messages and 64 KiB per destination, 4 messages per sender and
     * destination, 64 KiB and 256 destinations per sender, 64 MiB in all, 30 s TTL. A handshake
     * puts 1 or 2 messages in flight per pair; pre-keying a service file with hundreds of peers
     * puts one in each of their mailboxes.
     */
    public static final RelayLimits DEFAULT = new RelayLimits(1024, 32, 64 * 1024, 64L * 1024 * 1024,
            Duration.ofSeconds(30), 4, 64 * 1024, 256);

    /** Bounds without per-sender quotas (a sender may use a whole mailbox and the whole relay): tests. */
    public RelayLimits(int maxMessageBytes, int maxMessagesPerHost, int maxBytesPerHost, long maxTotalBytes,
            Duration ttl) {
        this(maxMessageBytes, maxMessagesPerHost, maxBytesPerHost, maxTotalBytes, ttl, maxMessagesPerHost,
                Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The wire format stores a message length in two bytes, so a message is at most 65535 bytes. */
    static final int WIRE_MAX_MESSAGE = 0xFFFF;

    /** Validates that every bound is positive and consistent. */
    public RelayLimits {
        if (maxMessageBytes <= 0 || maxMessageBytes > WIRE_MAX_MESSAGE) {
            throw new IllegalArgumentException("maxMessageBytes must be in 1.." + WIRE_MAX_MESSAGE);
        }
        if (maxMessagesPerHost <= 0 || maxBytesPerHost < maxMessageBytes || maxTotalBytes < maxBytesPerHost) {
            throw new IllegalArgumentException("relay bounds must be positive and nested");
        }
        if (maxMessagesPerPair <= 0 || maxBytesPerSender < maxMessageBytes || maxMailboxesPerSender <= 0) {
            throw new IllegalArgumentException("per-sender relay bounds must be positive");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
    }
}
