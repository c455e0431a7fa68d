package net.zcc.agent.noise;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Noise HandshakeState (spec section 5.3) for pattern KK, the only one ZCC uses:
 *
 * <pre>
 * KK:
 *   -> s
 *   <- s
 *   ...
 *   -> e, es, ss      message 1, initiator to responder: 32-byte e, then payload + 16-byte tag
 *   <- e, ee, se      message 2, responder to initiator: same layout
 * </pre>
 *
 * Both sides know each other's static public key beforehand (from the key server). A wrong
 * static key on either side makes the responder fail at message 1, as {@code ss} and the
 * pre-message hash then differ.
 *
 * <p>Flow: create with {@link #initiator} or {@link #responder}, then alternate
 * {@link #writeMessage} and {@link #readMessage} (initiator writes first); after message 2,
 * {@link #transport()} holds the split CipherStates. Any failure (bad tag, bad length, message
 * out of turn, low-order key) throws {@link NoiseException} and ends the handshake for good: the
 * state is wiped and every later call fails. Not thread-safe.
 */
public final class HandshakeState {

    private enum Token { E, ES, SS, EE, SE }

    /** HKDF label of the ZCC session key exported at the end of the handshake (PROTOCOL.md 4). */
    private static final byte[] SESSION_KEY_LABEL =
            "zcc v1 session key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final Token[][] KK = {
        {Token.E, Token.ES, Token.SS},
        {Token.E, Token.EE, Token.SE},
    };

    private final boolean initiator;
    private final SymmetricState symmetric;
    private final NoiseKeyPair s;
    private final byte[] rs;
    private final KeyPairSource ephemerals;
    private NoiseKeyPair e;
    private byte[] re;
    private int next; // index into KK of the next message; KK.length when complete
    private boolean failed;
    private NoiseTransport transport;

    private HandshakeState(boolean initiator, NoiseProtocol protocol, byte[] prologue,
            NoiseKeyPair localStatic, byte[] remoteStatic, KeyPairSource ephemerals) {
        if (remoteStatic == null || remoteStatic.length != NoiseProtocol.DH_LENGTH) {
            throw new IllegalArgumentException("a remote static public key is 32 bytes");
        }
        this.initiator = initiator;
        this.symmetric = new SymmetricState(Objects.requireNonNull(protocol));
        this.s = Objects.requireNonNull(localStatic);
        this.rs = remoteStatic.clone();
        this.ephemerals = Objects.requireNonNull(ephemerals);
        symmetric.mixHash(Objects.requireNonNull(prologue));
        // Pre-messages: the initiator's static key, then the responder's.
        symmetric.mixHash(initiator ? s.publicKey() : rs);
        symmetric.mixHash(initiator ? rs : s.publicKey());
    }

    /**
     * The initiator's side: it writes message 1 and reads message 2.
     *
     * @param prologue bytes both sides must agree on (may be empty); authenticated, not sent
     * @param localStatic this agent's static key pair; the caller keeps ownership
     * @param remoteStatic the responder's static public key
     * @param ephemerals the source of this handshake's ephemeral key pair
     */
    public static HandshakeState initiator(NoiseProtocol protocol, byte[] prologue,
            NoiseKeyPair localStatic, byte[] remoteStatic, KeyPairSource ephemerals) {
        return new HandshakeState(true, protocol, prologue, localStatic, remoteStatic, ephemerals);
    }

    /** The responder's side: it reads message 1 and writes message 2. Parameters as above. */
    public static HandshakeState responder(NoiseProtocol protocol, byte[] prologue,
            NoiseKeyPair localStatic, byte[] remoteStatic, KeyPairSource ephemerals) {
        return new HandshakeState(false, protocol, prologue, localStatic, remoteStatic, ephemerals);
    }

    /**
     * WriteMessage: the next handshake message, carrying {@code payload} encrypted.
     *
     * @throws NoiseException if it is not this side's turn to write, the handshake is over or
     *     failed, or the payload does not fit a Noise message (the handshake stays usable then)
     */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        Objects.requireNonNull(payload);
        checkTurn(true);
        // KK's messages are one ephemeral key, then the encrypted payload.
        int length = NoiseProtocol.DH_LENGTH + payload.length + NoiseProtocol.TAG_LENGTH;
        if (length > NoiseProtocol.MAX_MESSAGE_LENGTH) {
            throw new NoiseException("handshake message of " + length + " bytes exceeds a Noise message");
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Token t : KK[next]) {
                if (t == Token.E) {
                    e = ephemerals.generate();
                    byte[] pub = e.publicKey();
                    out.writeBytes(pub);
                    symmetric.mixHash(pub);
                } else {
                    mixDh(t);
                }
            }
            out.writeBytes(symmetric.encryptAndHash(payload));
            advance();
            return out.toByteArray();
        } catch (NoiseException | RuntimeException ex) {
            fail();
            throw ex;
        }
    }

    /**
     * ReadMessage: the payload of the peer's next handshake message.
     *
     * @throws NoiseException if the message is too short or too long, its tag does not verify
     *     (wrong keys, tampering), its ephemeral key is low-order, it is not this side's turn
     *     to read, or the handshake is over or failed
     */
    public byte[] readMessage(byte[] message) throws NoiseException {
        Objects.requireNonNull(message);
        checkTurn(false);
        try {
            int messageNumber = next + 1;
            if (message.length > NoiseProtocol.MAX_MESSAGE_LENGTH) {
                throw new NoiseException("handshake message " + messageNumber + " exceeds a Noise message");
            }
            int off = 0;
            for (Token t : KK[next]) {
                if (t == Token.E) {
                    if (message.length - off < NoiseProtocol.DH_LENGTH) {
                        throw new NoiseException("handshake message " + messageNumber + " too short: "
                                + message.length + " bytes");
                    }
                    re = Arrays.copyOfRange(message, off, off + NoiseProtocol.DH_LENGTH);
                    off += NoiseProtocol.DH_LENGTH;
                    symmetric.mixHash(re);
                } else {
                    mixDh(t);
                }
            }
            byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, off, message.length));
            advance();
            return payload;
        } catch (NoiseException | RuntimeException ex) {
            fail();
            throw ex;
        }
    }

    /** True once both messages have been written or read. */
    public boolean isComplete() {
        return transport != null;
    }

    /**
     * The transport CipherStates and the handshake hash.
     *
     * @throws IllegalStateException before the handshake is complete
     */
    public NoiseTransport transport() {
        if (transport == null) {
            throw new IllegalStateException("handshake not complete");
        }
        return transport;
    }

    /** Abandons the handshake: wipes the ephemeral key and the symmetric state. */
    public void wipe() {
        fail();
    }

    private void checkTurn(boolean writing) throws NoiseException {
        if (failed) {
            throw new NoiseException("handshake already failed");
        }
        if (next >= KK.length) {
            throw new NoiseException("handshake already complete");
        }
        boolean initiatorWrites = next % 2 == 0;
        if (writing != (initiatorWrites == initiator)) {
            throw new NoiseException("out of turn: expected to " + (writing ? "read" : "write")
                    + " handshake message " + (next + 1));
        }
    }

    /** MixKey(DH(...)) for one DH token; which keys meet depends on this side's role. */
    private void mixDh(Token t) throws NoiseException {
        byte[] shared = switch (t) {
            case EE -> e.dh(re);
            case SS -> s.dh(rs);
            case ES -> initiator ? e.dh(rs) : s.dh(re);
            case SE -> initiator ? s.dh(re) : e.dh(rs);
            case E -> throw new IllegalArgumentException("not a DH token");
        };
        symmetric.mixKey(shared);
        Arrays.fill(shared, (byte) 0);
    }

    /** Moves to the next message; after the last, splits and wipes what is no longer needed. */
    private void advance() {
        next++;
        if (next < KK.length) {
            return;
        }
        CipherState[] c = symmetric.split();
        byte[] sessionKey = symmetric.exportKey(SESSION_KEY_LABEL);
        transport = initiator
                ? new NoiseTransport(c[0], c[1], symmetric.handshakeHash(), sessionKey)
                : new NoiseTransport(c[1], c[0], symmetric.handshakeHash(), sessionKey);
        wipeHandshakeSecrets();
    }

    private void fail() {
        failed = true;
        wipeHandshakeSecrets();
    }

    private void wipeHandshakeSecrets() {
        symmetric.wipe();
        if (e != null) {
            e.wipe();
        }
    }

    /** The role and progress; never keys. */
    @Override
    public String toString() {
        String state = failed ? "failed" : transport != null ? "complete" : "next message " + (next + 1);
        return "HandshakeState[KK " + (initiator ? "initiator" : "responder") + ", " + state + "]";
    }
}
