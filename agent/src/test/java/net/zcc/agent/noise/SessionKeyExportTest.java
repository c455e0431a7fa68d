package net.zcc.agent.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The exported ZCC session key: equal on both sides, new per handshake, wiped with the transport. */
class SessionKeyExportTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final KeyPairSource EPHEMERALS = new SecureRandomKeyPairSource(RANDOM);

    @ParameterizedTest
    @EnumSource(NoiseProtocol.class)
    void bothSidesExportTheSameKeyAndEachHandshakeANewOne(NoiseProtocol p) throws NoiseException {
        NoiseKeyPair is = NoiseKeyPair.generate(RANDOM);
        NoiseKeyPair rs = NoiseKeyPair.generate(RANDOM);
        NoiseTransport[] first = handshake(p, is, rs);
        byte[] k = first[0].sessionKey();
        assertEquals(32, k.length);
        assertArrayEquals(k, first[1].sessionKey());
        assertFalse(Arrays.equals(k, first[0].handshakeHash()));
        assertFalse(Arrays.equals(k, handshake(p, is, rs)[0].sessionKey()));
        first[0].wipe();
        assertThrows(IllegalStateException.class, first[0]::sessionKey);
    }

    private static NoiseTransport[] handshake(NoiseProtocol p, NoiseKeyPair is, NoiseKeyPair rs)
            throws NoiseException {
        HandshakeState i = HandshakeState.initiator(p, new byte[0], is, rs.publicKey(), EPHEMERALS);
        HandshakeState r = HandshakeState.responder(p, new byte[0], rs, is.publicKey(), EPHEMERALS);
        r.readMessage(i.writeMessage(new byte[0]));
        i.readMessage(r.writeMessage(new byte[0]));
        return new NoiseTransport[] {i.transport(), r.transport()};
    }
}
