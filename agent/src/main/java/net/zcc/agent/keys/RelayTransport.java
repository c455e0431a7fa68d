package net.zcc.agent.keys;

import java.io.IOException;

/**
 * The key server's handshake relay as the agent sees it: opaque messages to and from hosts named
 * by their static public key. The relay authenticates the sender (client certificate), so
 * {@link Receiver#onMessage} names who sent a message; the Noise handshake then proves that
 * sender holds the matching private key. Delivery is best effort but, between one pair of
 * hosts, in order.
 */
public interface RelayTransport {

    /** Gets the messages sent to this host. */
    @FunctionalInterface
    interface Receiver {
        /**
         * One message from {@code from}; called from the transport's own thread, one message at
         * a time. The receiver owns {@code message}.
         */
        void onMessage(PeerKey from, byte[] message);
    }

    /**
     * Starts delivering this host's messages to {@code receiver}. Called once.
     *
     * @throws IOException if the relay cannot be reached
     */
    void start(Receiver receiver) throws IOException;

    /**
     * Sends {@code message} to the host with static key {@code to}; may return before delivery.
     *
     * @throws IOException if the relay refused or could not be reached
     */
    void send(PeerKey to, byte[] message) throws IOException;

    /** Stops delivery; no receiver call starts afterwards. */
    void close();
}
