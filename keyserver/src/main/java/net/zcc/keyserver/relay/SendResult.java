package net.zcc.keyserver.relay;

/** The outcome of {@link Relay#send}: queued, or refused with a fixed, content-free reason. */
public enum SendResult {
    /** The message waits for its destination (or was handed to a waiting poll at once). */
    QUEUED("queued"),
    /** The message has no bytes. */
    EMPTY("message is empty"),
    /** The message is longer than {@link RelayLimits#maxMessageBytes()}. */
    TOO_LARGE("message too large"),
    /** A host sent to itself; the relay is for handshakes between two hosts. */
    SELF("sender and destination are the same host"),
    /** The destination already has {@link RelayLimits#maxMessagesPerHost()} messages waiting. */
    HOST_FULL_MESSAGES("too many messages waiting for the destination"),
    /** The destination already has close to {@link RelayLimits#maxBytesPerHost()} bytes waiting. */
    HOST_FULL_BYTES("too many bytes waiting for the destination"),
    /** This sender already has {@link RelayLimits#maxMessagesPerPair()} messages waiting for the destination. */
    PAIR_FULL("too many messages from this sender waiting for the destination"),
    /** This sender's messages waiting anywhere reached its byte or destination quota. */
    SENDER_FULL("too many messages from this sender waiting"),
    /** The destination is not an approved host (unknown, pending, revoked). */
    UNKNOWN_DESTINATION("destination is not an approved host"),
    /** The whole relay holds {@link RelayLimits#maxTotalBytes()} bytes. */
    RELAY_FULL("relay is full"),
    /** The sender or the destination was revoked ({@link Relay#evict}). */
    REVOKED("host revoked");

    private final String reason;

    SendResult(String reason) {
        this.reason = reason;
    }

    /** Returns whether the relay took the message. */
    public boolean accepted() {
        return this == QUEUED;
    }

    /** Returns a short reason, safe to send to the client and to log (it never includes content). */
    public String reason() {
        return reason;
    }
}
