package net.zcc.agent.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The four keys of one protected connection (PROTOCOL.md 4):
 * {@code HKDF-SHA-256(K, nonce_i ‖ nonce_r, "zcc v2 connection keys" ‖ suite ‖ port_i ‖ port_r, 128)},
 * and the two keyed {@link DirectionCipher}s made from them. The ports bind the keys to the
 * connection: a segment rewritten onto another port pair, or an OFFER replayed there, meets
 * other keys and never verifies.
 */
public final class ConnectionKeys {

    /** Direction initiator to responder. */
    public static final int I2R = 0;
    /** Direction responder to initiator. */
    public static final int R2I = 1;

    private static final byte[] INFO_PREFIX = "zcc v2 connection keys".getBytes(StandardCharsets.US_ASCII);

    private final byte[][] enc = new byte[2][];
    private final byte[][] mac = new byte[2][];
    private final DirectionCipher[] ciphers = new DirectionCipher[2];

    private ConnectionKeys(byte[] okm, CipherSuite suite) {
        enc[I2R] = Arrays.copyOfRange(okm, 0, 32);
        mac[I2R] = Arrays.copyOfRange(okm, 32, 64);
        enc[R2I] = Arrays.copyOfRange(okm, 64, 96);
        mac[R2I] = Arrays.copyOfRange(okm, 96, 128);
        ciphers[I2R] = suite.direction(enc[I2R], mac[I2R]);
        ciphers[R2I] = suite.direction(enc[R2I], mac[R2I]);
    }

    /**
     * Derives the connection keys.
     *
     * @param sessionKey32 the pairwise session key K (32 bytes)
     * @param nonceI8 the initiator's OFFER nonce (8 bytes)
     * @param nonceR8 the responder's ACCEPT nonce (8 bytes)
     * @param suiteNumber the cipher suite number (1 to 255): keys of two suites never coincide
     * @param initiatorPort the TCP port of the side that sent the SYN
     * @param responderPort the TCP port of the side that answered it
     */
    public static ConnectionKeys derive(byte[] sessionKey32, byte[] nonceI8, byte[] nonceR8, int suiteNumber,
            int initiatorPort, int responderPort) {
        requireLength("session key", sessionKey32, 32);
        requireLength("nonce_i", nonceI8, 8);
        requireLength("nonce_r", nonceR8, 8);
        if (suiteNumber < 1 || suiteNumber > 255) {
            throw new IllegalArgumentException("suite number must be 1 to 255: " + suiteNumber);
        }
        if ((initiatorPort | responderPort) >>> 16 != 0) {
            throw new IllegalArgumentException("ports must be 0 to 65535");
        }
        CipherSuite suite = CipherSuites.byNumber(suiteNumber);
        byte[] salt = new byte[16];
        System.arraycopy(nonceI8, 0, salt, 0, 8);
        System.arraycopy(nonceR8, 0, salt, 8, 8);
        byte[] info = Arrays.copyOf(INFO_PREFIX, INFO_PREFIX.length + 5);
        int i = INFO_PREFIX.length;
        info[i] = (byte) suiteNumber;
        info[i + 1] = (byte) (initiatorPort >>> 8);
        info[i + 2] = (byte) initiatorPort;
        info[i + 3] = (byte) (responderPort >>> 8);
        info[i + 4] = (byte) responderPort;
        byte[] okm = Hkdf.deriveSha256(sessionKey32, salt, info, 128);
        try {
            return new ConnectionKeys(okm, suite);
        } finally {
            Arrays.fill(okm, (byte) 0);
        }
    }

    /** The keyed cipher of direction {@code dir} (0 = i2r, 1 = r2i). */
    public DirectionCipher cipher(int dir) {
        return ciphers[checkDir(dir)];
    }

    /**
     * The encryption key of direction {@code dir} (0 = i2r, 1 = r2i).
     *
     * <p>The internal array, returned without a copy because it is used per packet: callers
     * must not modify it.
     */
    public byte[] encKey(int dir) {
        return enc[checkDir(dir)];
    }

    /** The MAC key of direction {@code dir} (0 = i2r, 1 = r2i); internal array, do not modify. */
    public byte[] macKey(int dir) {
        return mac[checkDir(dir)];
    }

    /** Overwrites all four keys and both ciphers' keyed state with zeros when the connection is forgotten. */
    public void wipe() {
        for (int d = 0; d < 2; d++) {
            Arrays.fill(enc[d], (byte) 0);
            Arrays.fill(mac[d], (byte) 0);
            ciphers[d].wipe();
        }
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "ConnectionKeys[hidden]";
    }

    private static int checkDir(int dir) {
        if (dir != I2R && dir != R2I) {
            throw new IllegalArgumentException("dir must be 0 or 1: " + dir);
        }
        return dir;
    }

    private static void requireLength(String name, byte[] b, int len) {
        if (b == null || b.length != len) {
            throw new IllegalArgumentException(name + " must be " + len + " bytes");
        }
    }
}
