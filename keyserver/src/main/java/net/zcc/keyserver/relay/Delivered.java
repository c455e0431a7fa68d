package net.zcc.keyserver.relay;

import java.util.Arrays;
import java.util.Objects;
import net.zcc.keyserver.store.KeyId;

/**
 * One message handed to its destination. The receiver owns the bytes and should {@link #wipe()}
 * them once written out; the relay has already wiped its own copy.
 */
public final class Delivered {
    private final KeyId from;
    private final byte[] message;

    Delivered(KeyId from, byte[] message) {
        this.from = Objects.requireNonNull(from);
        this.message = Objects.requireNonNull(message);
    }

    /** Returns the sender's key id. */
    public KeyId from() {
        return from;
    }

    /** Returns the message bytes themselves (not a copy), so that {@link #wipe()} reaches them. */
    public byte[] message() {
        return message;
    }

    /** Overwrites the message bytes with zeros. */
    public void wipe() {
        Arrays.fill(message, (byte) 0);
    }

    /** Shows the sender and length only: this may end up in a log, the content must not. */
    @Override
    public String toString() {
        return "Delivered[from=" + from + ", " + message.length + " bytes]";
    }
}
