package net.zcc.agent.keys;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Address to static public key: the key server's lookup in real use, a map in tests.
 * {@link NoiseKeySource} caches answers with a TTL and bounds how long it waits for one, so an
 * implementation may block on the network.
 */
public interface PeerDirectory {

    /**
     * The static public key of the host at {@code peer}.
     *
     * @return empty if the directory knows no host at that address
     * @throws IOException if the directory cannot be reached
     */
    Optional<PeerKey> lookup(InetAddress peer) throws IOException;
}
