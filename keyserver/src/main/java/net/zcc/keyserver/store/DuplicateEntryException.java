package net.zcc.keyserver.store;

/** An insert would have created a second host, address or key where only one may exist. */
public final class DuplicateEntryException extends StoreException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code what} names the operation that hit the duplicate. */
    public DuplicateEntryException(String what, Throwable cause) {
        super(what + ": an entry with the same key already exists", cause);
    }
}
