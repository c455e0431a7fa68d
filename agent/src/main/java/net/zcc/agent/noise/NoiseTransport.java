package net.zcc.agent.noise;

import java.util.Objects;

/**
 * The two CipherStates that Split() returns after a completed handshake, named by direction for
 * this side, and the final handshake hash. Transport messages carry no associated data. Not
 * thread-safe.
 */
public final class NoiseTransport {

    private final CipherState outbound;
    private final CipherState inbound;
    private final byte[] handshakeHash;
    private final byte[] sessionKey;
    private boolean wiped;

    /** Takes ownership of {@code sessionKey}: {@link #wipe()} overwrites it. */
    NoiseTransport(CipherState outbound, CipherState inbound, byte[] handshakeHash, byte[] sessionKey) {
        this.outbound = Objects.requireNonNull(outbound);
        this.inbound = Objects.requireNonNull(inbound);
        this.handshakeHash = handshakeHash.clone();
        this.sessionKey = Objects.requireNonNull(sessionKey);
    }

    /**
     * Encrypts one transport message to the peer.
     *
     * @throws NoiseException if the payload exceeds {@link NoiseProtocol#MAX_PAYLOAD_LENGTH} or
     *     the nonces are exhausted
     */
    public byte[] encrypt(byte[] payload) throws NoiseException {
        if (payload.length > NoiseProtocol.MAX_PAYLOAD_LENGTH) {
            throw new NoiseException("payload of " + payload.length + " bytes exceeds a Noise message");
        }
        return outbound.encryptWithAd(new byte[0], payload);
    }

    /**
     * Decrypts the next transport message from the peer. Messages must arrive in order, each
     * once; a failed message leaves the expected nonce unchanged.
     *
     * @throws NoiseException if the message is too short or too long, forged, replayed or out of
     *     order
     */
    public byte[] decrypt(byte[] message) throws NoiseException {
        if (message.length > NoiseProtocol.MAX_MESSAGE_LENGTH) {
            throw new NoiseException("message of " + message.length + " bytes exceeds a Noise message");
        }
        return inbound.decryptWithAd(new byte[0], message);
    }

    /** A copy of the final handshake hash h (for channel binding; not a secret). */
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    /**
     * A copy of ZCC's 32-byte pairwise session key K: HKDF(ck, "zcc v1 session key"), first
     * output, from the final chaining key (PROTOCOL.md 4). Equal on both sides and independent of
     * the transport keys. The caller owns the copy and should wipe it when done.
     *
     * @throws IllegalStateException after {@link #wipe()}
     */
    public byte[] sessionKey() {
        if (wiped) {
            throw new IllegalStateException("transport was wiped");
        }
        return sessionKey.clone();
    }

    /** Overwrites both keys and the session key; every later encrypt or decrypt call fails. */
    public void wipe() {
        outbound.wipe();
        inbound.wipe();
        java.util.Arrays.fill(sessionKey, (byte) 0);
        wiped = true;
    }

    @Override
    public String toString() {
        return "NoiseTransport[outbound=" + outbound + ", inbound=" + inbound + "]";
    }
}
