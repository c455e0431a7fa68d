package net.zcc.agent.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cacophony test vectors for Noise_KK_25519_{AESGCM,ChaChaPoly}_SHA256, byte for byte:
 * both handshake messages, every transport message and the final handshake hash
 * (vectors/noise/README.md).
 */
class NoiseVectorsTest {

    private static final String FILE = "/vectors/noise/cacophony-kk-25519-sha256.json";

    /** One vector object; {@code toString} names it in the test report. */
    record Vector(Map<String, Object> fields) {
        String name() {
            return (String) fields.get("protocol_name");
        }

        byte[] hex(String key) {
            Object v = fields.get(key);
            if (!(v instanceof String str)) {
                throw new IllegalArgumentException(name() + " lacks " + key);
            }
            return HexFormat.of().parseHex(str);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages() {
            return (List<Map<String, Object>>) fields.get("messages");
        }

        @Override
        public String toString() {
            return name();
        }
    }

    @SuppressWarnings("unchecked")
    static List<Vector> vectors() {
        try (InputStream in = NoiseVectorsTest.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector file " + FILE);
            }
            Map<String, Object> root = (Map<String, Object>) MiniJson.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ((List<Map<String, Object>>) root.get("vectors")).stream().map(Vector::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void fileHoldsBothKkVectors() {
        Set<String> names = vectors().stream().map(Vector::name).collect(Collectors.toSet());
        assertEquals(Set.of("Noise_KK_25519_AESGCM_SHA256", "Noise_KK_25519_ChaChaPoly_SHA256"), names);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void reproducesEveryMessageAndTheHandshakeHash(Vector v) throws NoiseException {
        NoiseProtocol protocol = NoiseProtocol.forName(v.name()).orElseThrow();
        HandshakeState initiator = HandshakeState.initiator(protocol, v.hex("init_prologue"),
                NoiseKeyPair.fromPrivateKey(v.hex("init_static")), v.hex("init_remote_static"),
                fixed(v.hex("init_ephemeral")));
        HandshakeState responder = HandshakeState.responder(protocol, v.hex("resp_prologue"),
                NoiseKeyPair.fromPrivateKey(v.hex("resp_static")), v.hex("resp_remote_static"),
                fixed(v.hex("resp_ephemeral")));
        List<Map<String, Object>> messages = v.messages();
        assertTrue(messages.size() > 2, "vector has transport messages");

        for (int i = 0; i < messages.size(); i++) {
            byte[] payload = HexFormat.of().parseHex((String) messages.get(i).get("payload"));
            byte[] expected = HexFormat.of().parseHex((String) messages.get(i).get("ciphertext"));
            boolean fromInitiator = i % 2 == 0;
            byte[] actual;
            byte[] received;
            if (i < 2) {
                actual = (fromInitiator ? initiator : responder).writeMessage(payload);
                received = (fromInitiator ? responder : initiator).readMessage(actual);
            } else {
                actual = (fromInitiator ? initiator : responder).transport().encrypt(payload);
                received = (fromInitiator ? responder : initiator).transport().decrypt(actual);
            }
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual),
                    v.name() + " message " + (i + 1));
            assertArrayEquals(payload, received, v.name() + " message " + (i + 1) + " payload");
            if (i == 1) {
                assertTrue(initiator.isComplete() && responder.isComplete());
                assertArrayEquals(v.hex("handshake_hash"), initiator.transport().handshakeHash());
                assertArrayEquals(v.hex("handshake_hash"), responder.transport().handshakeHash());
            }
        }
    }

    /** The vector's static keys agree with each side's view of the peer's public key. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void publicKeysMatchTheRemoteStatics(Vector v) {
        assertArrayEquals(v.hex("init_remote_static"), NoiseKeyPair.fromPrivateKey(v.hex("resp_static")).publicKey());
        assertArrayEquals(v.hex("resp_remote_static"), NoiseKeyPair.fromPrivateKey(v.hex("init_static")).publicKey());
    }

    /** A fresh pair per call, since a handshake wipes its ephemeral key. */
    static KeyPairSource fixed(byte[] privateKey) {
        return () -> NoiseKeyPair.fromPrivateKey(privateKey);
    }
}
