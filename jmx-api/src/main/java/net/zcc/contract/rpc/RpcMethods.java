package net.zcc.contract.rpc;

/**
 * The key server's XML-RPC endpoint and method names. Both sides use these: the key server
 * registers its handlers and its anonymous methods under them, the agent and the admin client
 * call them. A method is {@code Handler.method}: the handler name, a dot, the Java method name of
 * the key server's handler class.
 */
public final class RpcMethods {

    /** The XML-RPC endpoint under the key server's {@code https://HOST:PORT}. */
    public static final String PATH = "/RPC2";

    /** The anonymous enrollment handler. */
    public static final String ENROLL = "Enroll";
    /** The key lookup handler: approved hosts and admins. */
    public static final String KEYS = "Keys";
    /** The administration handler: admin key ids only. */
    public static final String ADMIN = "Admin";
    /** The administrators' online backup of the key server's store (issue 13). */
    public static final String BACKUP = "Backup";
    public static final String BACKUP_CREATE = BACKUP + ".create";

    /** {@code (token, x25519 base64, addresses[], TLS public key base64)} → the host's key id. Anonymous. */
    public static final String ENROLL_REQUEST = ENROLL + ".request";
    /**
     * {@code (key id, TLS public key base64)} → {@code {certificate, caCertificate}} (PEM). Anonymous:
     * the first certificate of an approved host, or its current one. A new certificate for a host
     * that has one is issued only when the call comes over mutual TLS with that host's current
     * certificate (proof of possession of its TLS key) and inside the renewal window
     * ({@link net.zcc.contract.CertificateRenewal}); otherwise the current one is returned.
     */
    public static final String ENROLL_CERTIFICATE = ENROLL + ".certificate";
    /** {@code (address literal, scheme)} → the base64 public key, or fault {@link RpcFault#NO_KEY}. */
    public static final String KEYS_LOOKUP = KEYS + ".lookup";
    /** {@code (key id)} → true if a pending host was approved. */
    public static final String ADMIN_APPROVE = ADMIN + ".approve";
    /** {@code (key id)} → true if the host was revoked now. */
    public static final String ADMIN_REVOKE = ADMIN + ".revoke";
    /** {@code (key id, scheme, key base64)} → true. */
    public static final String ADMIN_ADD_KEY = ADMIN + ".addKey";
    /** {@code (key id, scheme, key base64)} → true if a key was replaced. */
    public static final String ADMIN_MODIFY_KEY = ADMIN + ".modifyKey";
    /** {@code (key id, scheme)} → true if a key was deleted. */
    public static final String ADMIN_DELETE_KEY = ADMIN + ".deleteKey";
    /** {@code (lifetime seconds)} → {@code {token, expiresAt}}. */
    public static final String ADMIN_ISSUE_TOKEN = ADMIN + ".issueToken";
    /**
     * {@code ()} → one struct per host: keyId, state, addresses (bound), requestedAddresses (of a
     * pending request), conflicts (requested addresses bound to another host), createdAt, updatedAt.
     */
    public static final String ADMIN_HOSTS = ADMIN + ".hosts";
    /** {@code (key id)} → true if the host was deleted (its addresses and keys go with it). */
    public static final String ADMIN_DELETE_HOST = ADMIN + ".deleteHost";
    /** {@code (address literal)} → true if the address was bound to a host and is now free. */
    public static final String ADMIN_RELEASE_ADDRESS = ADMIN + ".releaseAddress";

    /**
     * The scheme of a host's X25519 static public key, stored at enrollment: an agent calls
     * {@code Keys.lookup(peerAddress, "x25519")} for the key its Noise KK handshake needs.
     */
    public static final String X25519_SCHEME = "x25519";

    private RpcMethods() {
    }
}
