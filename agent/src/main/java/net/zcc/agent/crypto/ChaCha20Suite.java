package net.zcc.agent.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Suite 2, {@code chacha20}: ChaCha20 keystream (RFC 8439 block function) and keyed
 * BLAKE2s-256 tags (PROTOCOL.md 5), for CPUs without AES instructions.
 *
 * <p>Both come from Bouncy Castle's lightweight API. SunJCE's "ChaCha20" cannot be used: JDK 17
 * refuses to re-initialise it with the key and nonce of its previous init ("Matching key and
 * nonce from previous initialization"), but ZCC must recreate the same keystream for a
 * retransmission of the same bytes, which SIV makes safe (PROTOCOL.md 6.2). The JDK has no
 * BLAKE2 at all. {@code ChaCha7539Engine} is the RFC 8439 block function (96-bit nonce, 32-bit
 * counter); the RFC 8439 vectors in the tests pin that.
 */
public final class ChaCha20Suite implements CipherSuite {

    @Override
    public int number() {
        return 2;
    }

    @Override
    public String scheme() {
        return "chacha20";
    }

    @Override
    public DirectionCipher direction(byte[] encKey, byte[] macKey) {
        return new Direction(SivDirection.check(encKey), SivDirection.check(macKey));
    }

    /** One direction's keyed ChaCha20 engine and keyed BLAKE2s, created once per connection. */
    static final class Direction extends SivDirection {
        private final ChaCha7539Engine chacha = new ChaCha7539Engine();
        private final Blake2sDigest blake;

        Direction(byte[] encKey, byte[] macKey) {
            chacha.init(true, new ParametersWithIV(new KeyParameter(encKey), new byte[KeystreamNonce.LENGTH]));
            blake = new Blake2sDigest(macKey, 32, null, null);
        }

        @Override
        void keystreamXor(byte[] nonce12, byte[] buf, int off, int len) {
            // init starts at block counter j = 0 (PROTOCOL.md 6.2), not RFC 8439 AEAD's 1. A null
            // key parameter keeps the engine's key.
            chacha.init(true, new ParametersWithIV(null, nonce12));
            chacha.processBytes(buf, off, len, buf, off);
        }

        @Override
        void prf(byte[] head, int headOff, int headLen, byte[] payload, int payOff, int payLen, byte[] out32) {
            // A keyed digest resets to its keyed state after doFinal, ready for the next segment.
            try {
                blake.update(head, headOff, headLen);
                blake.update(payload, payOff, payLen);
                blake.doFinal(out32, 0);
            } catch (RuntimeException e) {
                blake.reset(); // bad offsets: do not let half an input leak into the next tag
                throw e;
            }
        }

        /** Both objects overwrite their key state in place. */
        @Override
        void wipeKeys() {
            chacha.init(true, new ParametersWithIV(new KeyParameter(new byte[32]), new byte[KeystreamNonce.LENGTH]));
            blake.clearKey();
            blake.reset();
        }
    }
}
