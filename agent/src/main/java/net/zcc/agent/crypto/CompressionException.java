package net.zcc.agent.crypto;

/** A compressed segment that does not decompress to exactly its original length ({@code BAD_COMPRESSION}). */
public final class CompressionException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message names the check that failed, never payload bytes. */
    public CompressionException(String message) {
        super(message, null, false, false); // no stack trace: hostile input is routine, not a bug
    }
}
