package net.zcc.keyserver.relay;

import java.util.Arrays;
import java.util.Objects;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;

/**
 * One message handed to its destination, with its sender's X25519 static public key (the receiver's
 * Noise KK needs the key itself, not only its id). The receiver owns the message bytes and should
 * {@link #wipe()} them once written out; the relay has already wiped its own copy. The sender key
 * is public and is not wiped.
 */
public final class Delivered {
    private final byte[] senderKey;
    private final KeyId from;
    private final byte[] message;

    /** Takes ownership of both arrays; {@code senderKey} is 32 bytes. */
    Delivered(byte[] senderKey, byte[] message) {
        this.from = KeyId.of(senderKey);
        this.senderKey = senderKey;
        this.message = Objects.requireNonNull(message);
    }

    /** Returns the sender's key id (derived from {@link #senderKey()}). */
    public KeyId from() {
        return from;
    }

    /** Returns a copy of the sender's X25519 static public key (32 bytes). */
    public byte[] senderKey() {
        return senderKey.clone();
    }

    /** Returns the message bytes themselves (not a copy), so that {@link #wipe()} reaches them. */
    public byte[] message() {
        return message;
    }

    /** Overwrites the message bytes with zeros. */
    public void wipe() {
        Arrays.fill(message, (byte) 0);
    }

    /** This message as a poll answer's frame: the same arrays, not copies (wiping one wipes both). */
    RelayWire.Frame frame() {
        return new RelayWire.Frame(senderKey, message);
    }

    /** Shows the sender and length only: this may end up in a log, the content must not. */
    @Override
    public String toString() {
        return "Delivered[from=" + from + ", " + message.length + " bytes]";
    }
}
