package net.zcc.agent.crypto;

/**
 * One ZCC cipher suite (PROTOCOL.md section 5): a keystream and a PRF.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}; see {@link CipherSuites}.
 * A suite object is immutable and shared; the keyed state lives in the {@link DirectionCipher}s
 * it creates, two per connection.
 */
public interface CipherSuite {

    /** The suite number carried in the OFFER option and in the HKDF info (1 to 255). */
    int number();

    /** The service file's {@code scheme} name, one of {@code net.zcc.servicefile.Schemes}. */
    String scheme();

    /**
     * Keys one direction of a connection. The arrays are read once; the caller keeps (and wipes)
     * its own copies.
     */
    DirectionCipher direction(byte[] encKey, byte[] macKey);
}
