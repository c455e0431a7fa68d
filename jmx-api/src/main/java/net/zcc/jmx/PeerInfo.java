package net.zcc.jmx;

import java.util.List;
import javax.management.ConstructorParameters;

/** One peer as {@link PeersMXBean} reports it (an MXBean composite type). Never key material. */
public final class PeerInfo {
    private final String keyId;
    private final List<String> addresses;
    private final long sessionAgeSeconds;
    private final long rekeysTotal;
    private final long sinceVouchedSeconds;
    private final String lastError;

    @ConstructorParameters({"keyId", "addresses", "sessionAgeSeconds", "rekeysTotal", "sinceVouchedSeconds", "lastError"})
    public PeerInfo(String keyId, List<String> addresses, long sessionAgeSeconds, long rekeysTotal,
            long sinceVouchedSeconds, String lastError) {
        this.keyId = keyId;
        this.addresses = List.copyOf(addresses);
        this.sessionAgeSeconds = sessionAgeSeconds;
        this.rekeysTotal = rekeysTotal;
        this.sinceVouchedSeconds = sinceVouchedSeconds;
        this.lastError = lastError;
    }

    /** The peer host's key id (its static key, as the key server names it); the session key id is not shown. */
    public String getKeyId() {
        return keyId;
    }

    public List<String> getAddresses() {
        return addresses;
    }

    /** Age of the session key now offered to this peer; -1 when there is none. */
    public long getSessionAgeSeconds() {
        return sessionAgeSeconds;
    }

    public long getRekeysTotal() {
        return rekeysTotal;
    }

    /** Seconds since the key server last vouched for this peer (PROTOCOL.md 4, staleness). */
    public long getSinceVouchedSeconds() {
        return sinceVouchedSeconds;
    }

    /** The last handshake or lookup error with this peer, empty if none. */
    public String getLastError() {
        return lastError;
    }
}
