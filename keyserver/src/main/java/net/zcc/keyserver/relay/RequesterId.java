package net.zcc.keyserver.relay;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import net.zcc.contract.KeyId;

/**
 * Says which host made a request. In production this reads the verified client certificate
 * (and refuses revoked hosts); tests use a header. Empty means "not authenticated": the relay
 * servlets answer 401 and touch nothing.
 */
@FunctionalInterface
public interface RequesterId {

    /** Returns the key id of the requesting host, or empty if it cannot be established. */
    Optional<KeyId> of(HttpServletRequest request);
}
