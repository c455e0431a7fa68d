package net.zcc.agent.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Base64;
import java.util.Optional;
import net.zcc.agent.keys.PeerDirectory;
import net.zcc.agent.keys.PeerKey;
import net.zcc.contract.net.IpLiteral;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.contract.rpc.RpcMethods;

/**
 * {@link PeerDirectory} over {@code Keys.lookup(address, "x25519")}: the fault
 * {@link RpcFault#NO_KEY} (unknown address, host not approved or revoked) is an empty answer; any
 * other failure is an IOException, so NoiseKeySource can tell "no such peer" from "directory
 * unreachable".
 */
final class DirectoryClient implements PeerDirectory {

    private final KeyServerClient client;

    DirectoryClient(KeyServerClient client) {
        this.client = client;
    }

    @Override
    public Optional<PeerKey> lookup(InetAddress peer) throws IOException {
        Object answer;
        try {
            answer = client.call(RpcMethods.KEYS_LOOKUP, IpLiteral.format(peer), RpcMethods.X25519_SCHEME);
        } catch (KeyServerFault f) {
            if (RpcFault.NO_KEY.is(f.faultCode())) {
                return Optional.empty();
            }
            throw f;
        }
        if (!(answer instanceof String base64)) {
            throw new IOException(RpcMethods.KEYS_LOOKUP + ": the key server answered a " + typeOf(answer)
                    + ", not a key");
        }
        try {
            return Optional.of(PeerKey.of(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException e) {
            throw new IOException(RpcMethods.KEYS_LOOKUP + ": the key server answered a malformed X25519 key");
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
