package net.zcc.keyserver.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.contract.rpc.RpcMethods;
import net.zcc.keyserver.store.AddressConflictException;
import net.zcc.keyserver.store.DuplicateEntryException;
import net.zcc.keyserver.store.HostPublicKey;
import net.zcc.keyserver.store.IssuedToken;
import net.zcc.keyserver.store.StoreException;
import org.apache.xmlrpc.XmlRpcException;

/**
 * {@code Admin.*}: only for a caller whose client certificate names a key id in the configured
 * admin set. The console will later call these same methods in-process, constructing the handler
 * with {@link ApiContext} and the admin's key id instead of going through XML-RPC.
 */
public class Admin {

    private final ApiContext ctx;
    private final Optional<KeyId> caller;

    /** A handler for one call by {@code caller} (empty when anonymous). */
    public Admin(ApiContext ctx, Optional<KeyId> caller) {
        this.ctx = Objects.requireNonNull(ctx);
        this.caller = Objects.requireNonNull(caller);
    }

    /**
     * Approves a pending host and binds the addresses it asked for; false if it is unknown or not
     * pending. Fault {@link RpcFault#ADDRESS_CONFLICT}, naming each address and its owner, if one of
     * them is bound to another host: release it or delete that host first.
     */
    public boolean approve(String keyId) throws XmlRpcException {
        KeyId id = authorised(keyId);
        boolean changed;
        try {
            changed = ctx.hosts().approve(id, ctx.clock().instant());
        } catch (AddressConflictException e) {
            Audit.refused("admin {} approve host {}: refused, addresses bound to other hosts: {}", admin(), id,
                    e.getMessage());
            throw ApiFaults.fault(RpcFault.ADDRESS_CONFLICT, "not approved: " + e.getMessage());
        } catch (DuplicateEntryException e) {
            throw ApiFaults.fault(RpcFault.ADDRESS_CONFLICT, "not approved: an address was bound meanwhile; retry");
        }
        ctx.access().invalidate(id);
        Audit.record("admin {} approve host {}: {}", admin(), id, changed ? "approved" : "no change");
        return changed;
    }

    /**
     * Revokes a host for good; false if it is unknown or already revoked. Takes effect at once
     * here: the store first (so no later read can approve it), then the cached answer, then the
     * relay, which answers the host's waiting long-poll with 403 and drops its mailbox. In that
     * order a poll that slipped past the access check before the cache was cleared is already
     * waiting when the relay is told, and is ended too.
     */
    public boolean revoke(String keyId) throws XmlRpcException {
        KeyId id = authorised(keyId);
        boolean changed = ctx.hosts().revoke(id, ctx.clock().instant());
        ctx.access().invalidate(id);
        ctx.revocations().revoked(id);
        Audit.record("admin {} revoke host {}: {}", admin(), id, changed ? "revoked" : "no change");
        return changed;
    }

    /**
     * Deletes a host, whatever its state, with its addresses and keys; false if it is unknown. It
     * loses access at once like a revoked host (its relay poll ends, its mailbox is dropped), but
     * nothing of it is remembered: the same host key may enroll again with a new token.
     */
    public boolean deleteHost(String keyId) throws XmlRpcException {
        KeyId id = authorised(keyId);
        boolean changed = ctx.hosts().delete(id);
        ctx.access().invalidate(id);
        ctx.revocations().deleted(id);
        Audit.record("admin {} delete host {}: {}", admin(), id, changed ? "deleted" : "unknown");
        return changed;
    }

    /** Unbinds an address from the host that owns it; false if no host owned it. */
    public boolean releaseAddress(String address) throws XmlRpcException {
        requireAdmin();
        java.net.InetAddress a = ApiFaults.address(address);
        Optional<KeyId> owner = ctx.hosts().releaseAddress(a);
        Audit.record("admin {} release address {}: {}", admin(), a.getHostAddress(),
                owner.map(o -> "was bound to host " + o.hex()).orElse("was not bound"));
        return owner.isPresent();
    }

    /**
     * Adds the X25519 key (base64, 32 bytes) of a host for a scheme. Enrollment already stored the
     * {@value RpcMethods#X25519_SCHEME} key; adding one only helps a host registered before that
     * (schema step 1), and only with the key its id is derived from.
     */
    public boolean addKey(String keyId, String scheme, String base64) throws XmlRpcException {
        KeyId id = authorised(keyId);
        HostPublicKey key = key(id, scheme, base64);
        if (RpcMethods.X25519_SCHEME.equals(scheme) && !KeyId.of(key.publicKey()).equals(id)) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT,
                    "the x25519 key must be the static key the key id is derived from");
        }
        try {
            ctx.hosts().addKey(key, ctx.clock().instant());
        } catch (DuplicateEntryException e) {
            throw ApiFaults.fault(RpcFault.ALREADY_REGISTERED, "the host already has a key for this scheme");
        } catch (StoreException e) {
            throw ApiFaults.fault(RpcFault.UNKNOWN_HOST, "cannot add the key: unknown host?");
        }
        Audit.record("admin {} add key: host {} scheme {}", admin(), id, scheme);
        return true;
    }

    /** Replaces the key of a host for a scheme; false if there was none. */
    public boolean modifyKey(String keyId, String scheme, String base64) throws XmlRpcException {
        KeyId id = authorised(keyId);
        refuseStaticKey(scheme);
        boolean changed = ctx.hosts().modifyKey(key(id, scheme, base64), ctx.clock().instant());
        Audit.record("admin {} modify key: host {} scheme {}: {}", admin(), id, scheme, changed ? "replaced" : "none");
        return changed;
    }

    /** Deletes the key of a host for a scheme; false if there was none. */
    public boolean deleteKey(String keyId, String scheme) throws XmlRpcException {
        KeyId id = authorised(keyId);
        refuseStaticKey(scheme);
        try {
            boolean changed = ctx.hosts().deleteKey(id, scheme);
            Audit.record("admin {} delete key: host {} scheme {}: {}", admin(), id, scheme, changed ? "deleted" : "none");
            return changed;
        } catch (IllegalArgumentException e) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, "a scheme is 1-32 of [a-z0-9-]");
        }
    }

    /** Issues a one-time enrollment token; returns {@code {token, expiresAt (ISO-8601)}}. */
    public Map<String, Object> issueToken(int lifetimeSeconds) throws XmlRpcException {
        requireAdmin();
        IssuedToken t;
        try {
            t = ctx.tokens().issue(ctx.clock().instant(), Duration.ofSeconds(lifetimeSeconds));
        } catch (IllegalArgumentException e) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, e.getMessage());
        }
        Audit.record("admin {} issued an enrollment token, expires {}", admin(), t.expiresAt());
        Map<String, Object> out = new HashMap<>();
        out.put("token", t.token());
        out.put("expiresAt", t.expiresAt().toString());
        return out;
    }

    /**
     * Every host the store knows, in key id order, as {@link HostListing} structs: key id, state,
     * addresses, times. Public material only.
     */
    public Object[] hosts() throws XmlRpcException {
        requireAdmin();
        return HostListing.structs(ctx.hosts().hosts(), ctx.hosts()::conflicts);
    }

    /**
     * The x25519 key is the one the key id is derived from: replacing or deleting it would leave a
     * host whose id no longer names its key. A host with a new static key enrolls anew.
     */
    private static void refuseStaticKey(String scheme) throws XmlRpcException {
        if (RpcMethods.X25519_SCHEME.equals(scheme)) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT,
                    "the x25519 key is the host's enrolled static key and cannot be changed");
        }
    }

    private String admin() {
        return caller.map(KeyId::hex).orElse("-");
    }

    private KeyId authorised(String keyId) throws XmlRpcException {
        requireAdmin();
        return ApiFaults.keyId(keyId);
    }

    private void requireAdmin() throws XmlRpcException {
        if (caller.isEmpty() || !ctx.access().isAdmin(caller.get())) {
            Audit.refused("Admin call refused: caller {} is not an administrator", admin());
            throw ApiFaults.fault(RpcFault.ADMIN_REQUIRED);
        }
    }

    private static HostPublicKey key(KeyId id, String scheme, String base64) throws XmlRpcException {
        byte[] raw = ApiFaults.base64(base64, "the public key");
        try {
            return new HostPublicKey(id, scheme, raw);
        } catch (IllegalArgumentException e) {
            throw ApiFaults.fault(RpcFault.BAD_ARGUMENT, e.getMessage());
        }
    }
}
