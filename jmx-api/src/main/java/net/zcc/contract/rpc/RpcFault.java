package net.zcc.contract.rpc;

/**
 * The faults the key server answers with, by {@code faultCode}. Both sides use these: the key
 * server raises them, its clients tell them apart by code, never by wording, so the text (a
 * default here, or a more precise one from the key server) is for people only.
 *
 * <p>Code 0 stays what Apache XML-RPC itself sends for what never reached our handlers (a
 * request it could not parse, an unknown method); none of ours uses it.
 */
public enum RpcFault {
    /** An argument is malformed or out of range; the text says which. */
    BAD_ARGUMENT(1, "bad argument"),
    /** {@code Keys.lookup}: no approved host owns the address, or it has no key for the scheme. */
    NO_KEY(2, "no key"),
    /** {@code Enroll.certificate}: the host is not (or no longer) approved, or its TLS key differs. */
    NOT_APPROVED(3, "no certificate: the host is not approved or the TLS key does not match"),
    /** {@code Enroll.request}: the one-time token is unknown, expired or used. */
    TOKEN_REFUSED(4, "enrollment token refused: unknown, expired or already used"),
    /** The host key, one of its addresses, or the host's key for a scheme is already registered. */
    ALREADY_REGISTERED(5, "this host key or one of its addresses is already registered"),
    /** The method is not anonymous and the call came without a client certificate. */
    CLIENT_CERTIFICATE_REQUIRED(6, "client certificate required"),
    /** {@code Admin.*}: the caller's key id is not an administrator's. */
    ADMIN_REQUIRED(7, "administrator certificate required"),
    /** The named host is not in the store. */
    UNKNOWN_HOST(8, "unknown host"),
    /** The key server failed to do what was asked (for example to issue a certificate). */
    SERVER_ERROR(9, "the key server failed");

    private final int code;
    private final String text;

    RpcFault(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The {@code faultCode} on the wire. */
    public int code() {
        return code;
    }

    /** The default {@code faultString}. */
    public String text() {
        return text;
    }

    /** True if {@code faultCode} is this fault's. */
    public boolean is(int faultCode) {
        return faultCode == code;
    }
}
