package net.zcc.agent.keys;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The envelope of one Noise KK message on the relay.
 *
 * <pre>
 *  0        1                9
 * +--------+----------------+---------------------------+
 * | type   | handshake id   | Noise message (48..1024)  |
 * | 1 or 2 | 8 bytes, BE    |                           |
 * +--------+----------------+---------------------------+
 * | 3      | handshake id   | confirmation tag (16)     |
 * +--------+----------------+---------------------------+
 * </pre>
 *
 * Type 3 goes from the initiator to the responder after message 2: "I hold the key of this
 * handshake". Its tag is the first 16 bytes of HMAC-SHA-256(K, "zcc v1 confirm" ‖ id), so only a
 * holder of the new key K can write it ({@link #confirmationTag}).
 *
 * The id is chosen at random by the initiator and echoed in message 2, so a late answer to an
 * abandoned attempt is recognised and dropped. It is not authenticated: a forged id only makes
 * the Noise message fail.
 *
 * @param type {@link #MESSAGE_1} or {@link #MESSAGE_2}
 * @param handshakeId the initiator's attempt id
 * @param noise the Noise handshake message; the array is shared
 */
record HandshakeMessage(int type, long handshakeId, byte[] noise) {

    static final int MESSAGE_1 = 1;
    static final int MESSAGE_2 = 2;
    static final int CONFIRM = 3;
    static final int CONFIRM_TAG_LENGTH = 16;
    static final int HEADER_LENGTH = 9;
    /** e (32) + tag (16) with an empty payload. */
    static final int MIN_NOISE_LENGTH = 48;
    /** ZCC sends empty payloads; the bound keeps a hostile relay message small. */
    static final int MAX_NOISE_LENGTH = 1024;

    /** Serialises the envelope. */
    byte[] encode() {
        return ByteBuffer.allocate(HEADER_LENGTH + noise.length)
                .put((byte) type).putLong(handshakeId).put(noise).array();
    }

    /** Parses an envelope; returns null if the type or length is wrong. */
    static HandshakeMessage decode(byte[] b) {
        if (b != null && b.length == HEADER_LENGTH + CONFIRM_TAG_LENGTH && b[0] == CONFIRM) {
            return new HandshakeMessage(CONFIRM, ByteBuffer.wrap(b, 1, 8).getLong(),
                    Arrays.copyOfRange(b, HEADER_LENGTH, b.length));
        }
        if (b == null || b.length < HEADER_LENGTH + MIN_NOISE_LENGTH
                || b.length > HEADER_LENGTH + MAX_NOISE_LENGTH) {
            return null;
        }
        int type = b[0];
        if (type != MESSAGE_1 && type != MESSAGE_2) {
            return null;
        }
        long id = ByteBuffer.wrap(b, 1, 8).getLong();
        return new HandshakeMessage(type, id, Arrays.copyOfRange(b, HEADER_LENGTH, b.length));
    }

    /** The confirmation tag of handshake {@code id} under session key {@code key}. */
    static byte[] confirmationTag(byte[] key, long id) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            mac.update("zcc v1 confirm".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            mac.update(ByteBuffer.allocate(8).putLong(id).array());
            return Arrays.copyOf(mac.doFinal(), CONFIRM_TAG_LENGTH);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
        }
    }

    /** Type, id and length only. */
    @Override
    public String toString() {
        return "HandshakeMessage[" + type + ", id=" + Long.toHexString(handshakeId) + ", " + noise.length + " bytes]";
    }
}
