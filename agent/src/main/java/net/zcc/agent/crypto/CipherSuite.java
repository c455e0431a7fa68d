package net.zcc.agent.crypto;

/**
 * One ZCC cipher suite (PROTOCOL.md section 5): a keystream and a MAC.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}; see {@link CipherSuites}.
 * A suite object is immutable and shared; the per-thread work happens in the
 * {@link SegmentCrypto} it creates.
 */
public interface CipherSuite {

    /** The suite number carried in the OFFER option and in the HKDF info (1 to 255). */
    int number();

    /** The service file's {@code scheme} name, one of {@code net.zcc.servicefile.Schemes}. */
    String scheme();

    /**
     * Creates the crypto state of one packet worker thread.
     *
     * <p>The returned object is not thread-safe; it keeps its JCE objects and scratch buffers so
     * that sealing a segment allocates nothing heavy.
     */
    SegmentCrypto newWorkerInstance();
}
