package net.zcc.agent.keys;

import java.net.InetAddress;
import java.util.List;

/**
 * One peer as the key source knows it, for the management side (never key material).
 *
 * @param peer the peer's static key (null for a manual key, which names no host key)
 * @param keyId a manual key's key id as hex when {@code peer} is null, else empty
 * @param addresses the addresses seen with this peer
 * @param sessionAgeSeconds age of the key offered to it; -1 when none
 * @param rekeys session keys installed after the first
 * @param sinceVouchedSeconds since the key server last vouched for it (0 for a manual key)
 * @param lastError the last handshake failure with it, empty if none
 */
public record PeerStatus(PeerKey peer, String keyId, List<InetAddress> addresses, long sessionAgeSeconds,
        long rekeys, long sinceVouchedSeconds, String lastError) {
    public PeerStatus {
        addresses = List.copyOf(addresses);
    }
}
