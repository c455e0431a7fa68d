package net.zcc.agent.keys;

import java.time.Duration;
import java.time.Instant;

/**
 * When a session key is renewed and how long the one it replaces lives on (PROTOCOL.md 4): a key
 * is renewed after an age or a byte budget, whichever comes first (2 min, 16 GiB by default),
 * and a replaced key stays acceptable for a grace period once the peer uses the new one.
 *
 * <p>Renewal is lazy: the first connection after the key is due still gets it at once and
 * starts the new handshake in the background ({@link NoiseKeySource}), so no connection waits
 * for a rekey and a quiet peer costs no handshakes.
 */
final class Rekeying {

    private final Duration rekeyAfter;
    private final long rekeyAfterBytes;
    private final Duration grace;

    Rekeying(Duration rekeyAfter, long rekeyAfterBytes, Duration grace) {
        this.rekeyAfter = rekeyAfter;
        this.rekeyAfterBytes = rekeyAfterBytes;
        this.grace = grace;
    }

    /** The key offered to the peer is young enough and has sealed less than the budget. */
    boolean isFresh(PeerSession s, Instant now) {
        Instant born = s.offeredBorn();
        return born != null && now.isBefore(born.plus(rekeyAfter)) && s.offered().bytesSealed() < rekeyAfterBytes;
    }

    /** How long a key replaced at {@code now} stays acceptable, once its grace period starts. */
    Instant graceUntil(Instant now) {
        return now.plus(grace);
    }
}
