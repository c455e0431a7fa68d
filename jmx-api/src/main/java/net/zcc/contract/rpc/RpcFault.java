package net.zcc.contract.rpc;

/**
 * The faults the key server answers with, by {@code faultCode}. Both sides use these: the key
 * server raises them, its clients tell them apart by code, never by wording, so the text (a
 * default here, or a more precise one from the key server) is for people only.
 *
 * <p>Every fault the key server sends has one of these codes, including those for requests that
 * never reached a handler (unparsable XML, an unknown method, wrong argument types): the key
 * server maps Apache XML-RPC's own code-0 faults onto them, and its texts never carry a Java class
 * name or an exception message. Code 0 is never sent.
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
    SERVER_ERROR(9, "the key server failed"),
    /** No such method (the library's "No such handler"). */
    UNKNOWN_METHOD(10, "no such method"),
    /** The body is not a well-formed XML-RPC call (bad XML, DOCTYPE, too deep, bad gzip). */
    MALFORMED_REQUEST(11, "the request is not a well-formed XML-RPC call"),
    /** Too many requests or failures from this source address: wait and try again. */
    RATE_LIMITED(12, "too many requests from this address; try again later"),
    /**
     * {@code Enroll.request}: an address no host may own (unspecified, loopback, broadcast,
     * multicast, or the key server's own); the text says which.
     */
    ADDRESS_REFUSED(13, "this address cannot belong to a host"),
    /** {@code Admin.approve}: an address of the request is bound to another host; the text names it. */
    ADDRESS_CONFLICT(14, "an address of this host is bound to another host");

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
