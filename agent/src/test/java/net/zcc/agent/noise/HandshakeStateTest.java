package net.zcc.agent.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * KK with random keys: round trips, wrong static keys, prologue and protocol mismatches,
 * tampered, truncated, oversized and out-of-turn messages. Every failure must be a
 * NoiseException, never an unchecked exception and never a wrong payload.
 */
class HandshakeStateTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final KeyPairSource EPHEMERALS = new SecureRandomKeyPairSource(RANDOM);
    private static final byte[] PROLOGUE = "zcc test".getBytes();
    private static final byte[] P1 = "hello responder".getBytes();
    private static final byte[] P2 = "hello initiator".getBytes();

    private final NoiseKeyPair initiatorStatic = NoiseKeyPair.generate(RANDOM);
    private final NoiseKeyPair responderStatic = NoiseKeyPair.generate(RANDOM);

    @ParameterizedTest
    @EnumSource(NoiseProtocol.class)
    void roundTripWithRandomKeys(NoiseProtocol protocol) throws NoiseException {
        HandshakeState i = initiator(protocol);
        HandshakeState r = responder(protocol);
        byte[] m1 = i.writeMessage(P1);
        assertEquals(32 + P1.length + 16, m1.length);
        assertArrayEquals(P1, r.readMessage(m1));
        assertFalse(i.isComplete() || r.isComplete());
        byte[] m2 = r.writeMessage(P2);
        assertArrayEquals(P2, i.readMessage(m2));
        assertTrue(i.isComplete() && r.isComplete());

        NoiseTransport it = i.transport();
        NoiseTransport rt = r.transport();
        assertArrayEquals(it.handshakeHash(), rt.handshakeHash());
        for (int n = 0; n < 50; n++) {
            byte[] a = new byte[n * 37];
            RANDOM.nextBytes(a);
            assertArrayEquals(a, rt.decrypt(it.encrypt(a)));
            assertArrayEquals(a, it.decrypt(rt.encrypt(a)));
        }
        byte[] max = new byte[NoiseProtocol.MAX_PAYLOAD_LENGTH];
        assertEquals(NoiseProtocol.MAX_MESSAGE_LENGTH, it.encrypt(max).length);
        assertThrows(NoiseException.class, () -> it.encrypt(new byte[NoiseProtocol.MAX_PAYLOAD_LENGTH + 1]));
    }

    @Test
    void emptyPayloadsAndEmptyPrologueWork() throws NoiseException {
        NoiseProtocol p = NoiseProtocol.KK_25519_CHACHAPOLY_SHA256;
        HandshakeState i = HandshakeState.initiator(p, new byte[0], initiatorStatic,
                responderStatic.publicKey(), EPHEMERALS);
        HandshakeState r = HandshakeState.responder(p, new byte[0], responderStatic,
                initiatorStatic.publicKey(), EPHEMERALS);
        assertEquals(0, r.readMessage(i.writeMessage(new byte[0])).length);
        assertEquals(0, i.readMessage(r.writeMessage(new byte[0])).length);
        assertTrue(i.isComplete() && r.isComplete());
    }

    /** KK authenticates both static keys in message 1 (ss and the pre-message hash). */
    @ParameterizedTest
    @EnumSource(NoiseProtocol.class)
    void wrongStaticKeyFailsAtTheResponderOnMessageOne(NoiseProtocol p) throws NoiseException {
        byte[] stranger = NoiseKeyPair.generate(RANDOM).publicKey();
        NoiseKeyPair impostor = NoiseKeyPair.generate(RANDOM);
        // The initiator has a wrong key for the responder.
        assertMessageOneRejected(HandshakeState.initiator(p, PROLOGUE, initiatorStatic, stranger, EPHEMERALS),
                responder(p));
        // The responder has a wrong key for the initiator.
        assertMessageOneRejected(initiator(p),
                HandshakeState.responder(p, PROLOGUE, responderStatic, stranger, EPHEMERALS));
        // An impostor initiator without the initiator's private key.
        assertMessageOneRejected(HandshakeState.initiator(p, PROLOGUE, impostor, responderStatic.publicKey(),
                EPHEMERALS), responder(p));
        // An impostor responder without the responder's private key.
        assertMessageOneRejected(initiator(p), HandshakeState.responder(p, PROLOGUE, impostor,
                initiatorStatic.publicKey(), EPHEMERALS));
    }

    /** Message 2 of another session (same peers) is refused by the initiator. */
    @ParameterizedTest
    @EnumSource(NoiseProtocol.class)
    void messageTwoFromAnotherSessionFailsAtTheInitiator(NoiseProtocol p) throws NoiseException {
        HandshakeState i = initiator(p);
        HandshakeState r = responder(p);
        r.readMessage(i.writeMessage(P1));
        HandshakeState otherR = responder(p);
        otherR.readMessage(initiator(p).writeMessage(P1));
        byte[] foreign = otherR.writeMessage(P2);
        assertThrows(NoiseException.class, () -> i.readMessage(foreign));
        assertFalse(i.isComplete());
        // The handshake is over for good: even the genuine message 2 is refused now.
        byte[] genuine = r.writeMessage(P2);
        assertThrows(NoiseException.class, () -> i.readMessage(genuine));
    }

    @Test
    void prologueOrProtocolMismatchFailsAtMessageOne() throws NoiseException {
        NoiseProtocol aes = NoiseProtocol.KK_25519_AESGCM_SHA256;
        NoiseProtocol chacha = NoiseProtocol.KK_25519_CHACHAPOLY_SHA256;
        assertMessageOneRejected(initiator(aes), HandshakeState.responder(aes, "other".getBytes(),
                responderStatic, initiatorStatic.publicKey(), EPHEMERALS));
        assertMessageOneRejected(initiator(aes), responder(chacha));
    }

    /** Every single-bit flip of either handshake message is detected by its reader. */
    @ParameterizedTest
    @EnumSource(NoiseProtocol.class)
    void everyBitFlipIsDetected(NoiseProtocol p) throws NoiseException {
        int m1Length = initiator(p).writeMessage(P1).length;
        for (int bit = 0; bit < m1Length * 8; bit++) {
            byte[] m1 = initiator(p).writeMessage(P1);
            m1[bit / 8] ^= (byte) (1 << (bit % 8));
            HandshakeState r = responder(p);
            assertThrows(NoiseException.class, () -> r.readMessage(m1), "message 1 bit " + bit);
        }
        for (int bit = 0; bit < (32 + P2.length + 16) * 8; bit++) {
            HandshakeState i = initiator(p);
            HandshakeState r = responder(p);
            r.readMessage(i.writeMessage(P1));
            byte[] m2 = r.writeMessage(P2);
            m2[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(NoiseException.class, () -> i.readMessage(m2), "message 2 bit " + bit);
        }
    }

    @ParameterizedTest
    @EnumSource(NoiseProtocol.class)
    void truncatedGarbageAndOversizedMessagesFailChecked(NoiseProtocol p) throws NoiseException {
        byte[] m1 = initiator(p).writeMessage(P1);
        for (int len = 0; len < m1.length; len++) {
            byte[] cut = Arrays.copyOf(m1, len);
            assertThrows(NoiseException.class, () -> responder(p).readMessage(cut), "length " + len);
        }
        byte[] longer = Arrays.copyOf(m1, m1.length + 1);
        assertThrows(NoiseException.class, () -> responder(p).readMessage(longer));
        Random garbage = new Random(42);
        for (int len : new int[] {0, 1, 31, 32, 47, 48, 49, 64, 200, 65535}) {
            byte[] g = new byte[len];
            garbage.nextBytes(g);
            assertThrows(NoiseException.class, () -> responder(p).readMessage(g), "garbage " + len);
        }
        assertThrows(NoiseException.class, () -> responder(p).readMessage(new byte[65536]));
        assertThrows(NoiseException.class, () -> initiator(p).writeMessage(new byte[65535 - 48 + 1]));
        assertEquals(65535, initiator(p).writeMessage(new byte[65535 - 48]).length);
    }

    /** An all-zero (low-order) ephemeral key gives an all-zero DH output, which is refused. */
    @Test
    void lowOrderEphemeralKeyIsRefused() throws NoiseException {
        NoiseProtocol p = NoiseProtocol.KK_25519_AESGCM_SHA256;
        byte[] m1 = initiator(p).writeMessage(P1);
        Arrays.fill(m1, 0, 32, (byte) 0);
        NoiseException e = assertThrows(NoiseException.class, () -> responder(p).readMessage(m1));
        assertTrue(e.getMessage().contains("low-order"), e.getMessage());
    }

    @Test
    void messagesOutOfTurnFailChecked() throws NoiseException {
        NoiseProtocol p = NoiseProtocol.KK_25519_AESGCM_SHA256;
        assertThrows(NoiseException.class, () -> responder(p).writeMessage(P2));
        byte[] m1 = initiator(p).writeMessage(P1);
        assertThrows(NoiseException.class, () -> initiator(p).readMessage(m1));

        HandshakeState i = initiator(p);
        HandshakeState r = responder(p);
        byte[] first = i.writeMessage(P1);
        assertThrows(NoiseException.class, () -> i.writeMessage(P1));
        r.readMessage(first);
        assertThrows(NoiseException.class, () -> r.readMessage(first)); // replayed message 1
        i.readMessage(r.writeMessage(P2));
        assertThrows(NoiseException.class, () -> i.writeMessage(P1)); // complete
        assertThrows(NoiseException.class, () -> r.readMessage(first));
        assertThrows(IllegalStateException.class, () -> initiator(p).transport());
    }

    @ParameterizedTest
    @EnumSource(NoiseProtocol.class)
    void tamperedReplayedAndReorderedTransportMessagesFail(NoiseProtocol p) throws NoiseException {
        NoiseTransport[] t = handshake(p);
        byte[] a = t[0].encrypt("first".getBytes());
        byte[] b = t[0].encrypt("second".getBytes());
        assertThrows(NoiseException.class, () -> t[1].decrypt(b)); // reordered
        byte[] flipped = a.clone();
        flipped[2] ^= 1;
        assertThrows(NoiseException.class, () -> t[1].decrypt(flipped));
        assertThrows(NoiseException.class, () -> t[1].decrypt(Arrays.copyOf(a, 15)));
        assertThrows(NoiseException.class, () -> t[1].decrypt(new byte[65536]));
        assertArrayEquals("first".getBytes(), t[1].decrypt(a)); // failures did not move n
        assertThrows(NoiseException.class, () -> t[1].decrypt(a)); // replay
        assertArrayEquals("second".getBytes(), t[1].decrypt(b));
        assertThrows(NoiseException.class, () -> t[0].decrypt(a)); // own message reflected back
        t[0].wipe();
        assertThrows(NoiseException.class, () -> t[0].encrypt(new byte[1]));
    }

    @Test
    void toStringsNeverPrintKeys() throws NoiseException {
        NoiseProtocol p = NoiseProtocol.KK_25519_AESGCM_SHA256;
        HandshakeState i = initiator(p);
        HandshakeState r = responder(p);
        r.readMessage(i.writeMessage(P1));
        i.readMessage(r.writeMessage(P2));
        String pub = HexFormat.of().formatHex(responderStatic.publicKey()).substring(0, 8);
        for (Object o : new Object[] {initiatorStatic, i, r, i.transport(), r.transport()}) {
            String s = o.toString();
            assertFalse(s.contains(pub) || s.contains("[B@") || s.matches(".*[0-9a-f]{16}.*"), s);
        }
        assertEquals("HandshakeState[KK initiator, complete]", i.toString());
    }

    @Test
    void protocolNamesResolve() {
        assertEquals(NoiseProtocol.KK_25519_AESGCM_SHA256,
                NoiseProtocol.forName("Noise_KK_25519_AESGCM_SHA256").orElseThrow());
        assertEquals(NoiseProtocol.KK_25519_CHACHAPOLY_SHA256,
                NoiseProtocol.forName("Noise_KK_25519_ChaChaPoly_SHA256").orElseThrow());
        assertTrue(NoiseProtocol.forName("Noise_IK_25519_AESGCM_SHA256").isEmpty());
    }

    private NoiseTransport[] handshake(NoiseProtocol p) throws NoiseException {
        HandshakeState i = initiator(p);
        HandshakeState r = responder(p);
        r.readMessage(i.writeMessage(P1));
        i.readMessage(r.writeMessage(P2));
        return new NoiseTransport[] {i.transport(), r.transport()};
    }

    private static void assertMessageOneRejected(HandshakeState i, HandshakeState r) throws NoiseException {
        byte[] m1 = i.writeMessage(P1);
        assertThrows(NoiseException.class, () -> r.readMessage(m1));
        assertFalse(r.isComplete());
        assertThrows(NoiseException.class, () -> r.writeMessage(P2)); // failed for good
    }

    private HandshakeState initiator(NoiseProtocol p) {
        return HandshakeState.initiator(p, PROLOGUE, initiatorStatic, responderStatic.publicKey(), EPHEMERALS);
    }

    private HandshakeState responder(NoiseProtocol p) {
        return HandshakeState.responder(p, PROLOGUE, responderStatic, initiatorStatic.publicKey(), EPHEMERALS);
    }
}
