package net.zcc.keyserver.rpc;

import java.util.Set;

/**
 * Which XML-RPC methods may be called without a client certificate. Every other method needs a
 * fleet client certificate whose key id passes the {@link net.zcc.keyserver.ca.RevocationCheck}.
 *
 * <p>Only enrollment should be anonymous (it carries a one-time token instead). With no anonymous
 * method the TLS connector <em>needs</em> a client certificate (refused at the handshake); with
 * some it only <em>wants</em> one, and the servlet refuses anonymous calls to the other methods
 * with a "client certificate required" fault, after the (hardened) parse that names the method.
 *
 * @param anonymousMethods full method names, e.g. {@code Enrollment.enroll}
 */
public record MethodPolicy(Set<String> anonymousMethods) {

    /** Every method needs a client certificate. */
    public static final MethodPolicy ALL_NEED_CERTIFICATE = new MethodPolicy(Set.of());

    /** Copies the set. */
    public MethodPolicy {
        anonymousMethods = Set.copyOf(anonymousMethods);
    }

    /** A policy where exactly these methods are anonymous. */
    public static MethodPolicy anonymous(String... methods) {
        return new MethodPolicy(Set.of(methods));
    }

    /** Returns true if {@code method} may be called without a client certificate. */
    public boolean isAnonymous(String method) {
        return anonymousMethods.contains(method);
    }

    /** Returns true if some method is anonymous, so the connector cannot insist on a certificate. */
    boolean hasAnonymousMethods() {
        return !anonymousMethods.isEmpty();
    }
}
