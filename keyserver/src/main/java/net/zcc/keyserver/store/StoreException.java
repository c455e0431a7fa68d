package net.zcc.keyserver.store;

/** A key-store operation failed; the message says which one and why (never a secret). */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message and the underlying cause. */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the exception with a message only. */
    public StoreException(String message) {
        super(message);
    }
}
