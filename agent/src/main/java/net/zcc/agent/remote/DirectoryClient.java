package net.zcc.agent.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Base64;
import java.util.Optional;
import net.zcc.agent.keys.PeerDirectory;
import net.zcc.agent.keys.PeerKey;
import net.zcc.servicefile.HostLiteral;

/**
 * {@link PeerDirectory} over {@code Keys.lookup(address, "x25519")}: the fault "no key" (unknown
 * address, host not approved or revoked) is an empty answer; any other failure is an IOException,
 * so NoiseKeySource can tell "no such peer" from "directory unreachable".
 */
final class DirectoryClient implements PeerDirectory {

    /** The key server's fault text for an address without an approved host key. */
    static final String NO_KEY = "no key";

    private final KeyServerClient client;

    DirectoryClient(KeyServerClient client) {
        this.client = client;
    }

    @Override
    public Optional<PeerKey> lookup(InetAddress peer) throws IOException {
        Object answer;
        try {
            answer = client.call("Keys.lookup", HostLiteral.format(peer), KeyServerClient.X25519_SCHEME);
        } catch (KeyServerFault f) {
            if (NO_KEY.equals(f.faultString())) {
                return Optional.empty();
            }
            throw f;
        }
        if (!(answer instanceof String base64)) {
            throw new IOException("Keys.lookup: the key server answered a " + typeOf(answer) + ", not a key");
        }
        try {
            return Optional.of(PeerKey.of(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException e) {
            throw new IOException("Keys.lookup: the key server answered a malformed X25519 key");
        }
    }

    private static String typeOf(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "DirectoryClient[" + client + "]";
    }
}
