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
 * refuses to re-initialise it with the key and nonce of its previous init in ENCRYPT and in
 * DECRYPT mode ("Matching key and nonce from previous initialization"), but ZCC must recreate
 * the same keystream for a retransmission, which is safe here (PROTOCOL.md 6.2). The JDK has no
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
    public SegmentCrypto newWorkerInstance() {
        return new Worker();
    }

    /** One worker's ChaCha20 engines and keyed BLAKE2s digests, one per recently used key. */
    static final class Worker extends PrfSegmentCrypto {
        private final KeyedSlots<ChaCha7539Engine> engines = new KeyedSlots<>(Worker::keyedEngine);
        private final KeyedSlots<Blake2sDigest> digests = new KeyedSlots<>((old, key) -> new Blake2sDigest(check(key), 32, null, null));
        private final byte[] nonce = new byte[KeystreamNonce.LENGTH];

        @Override
        public void keystreamXor(byte[] key, int dir, boolean compressed, int origLength, long relSeq,
                                 byte[] buf, int off, int len) {
            KeystreamNonce.write(nonce, dir, compressed, origLength, relSeq);
            ChaCha7539Engine chacha = engines.get(check(key));
            try {
                // init starts at block counter j = 0 (PROTOCOL.md 6.2), not RFC 8439 AEAD's 1. A
                // null key parameter keeps the engine's key: each engine belongs to one key.
                chacha.init(true, new ParametersWithIV(null, nonce));
                chacha.processBytes(buf, off, len, buf, off);
            } catch (RuntimeException e) {
                engines.clear();
                throw e;
            }
        }

        @Override
        void prf(byte[] key, byte[] head, int headOff, int headLen,
                 byte[] payload, int payOff, int payLen, byte[] out32) {
            // A keyed digest resets to its keyed state after doFinal, ready for the next segment.
            Blake2sDigest blake = digests.get(check(key));
            try {
                blake.update(head, headOff, headLen);
                blake.update(payload, payOff, payLen);
                blake.doFinal(out32, 0);
            } catch (RuntimeException e) {
                blake.reset(); // bad offsets: do not let half an input leak into the next tag
                throw e;
            }
        }

        private static ChaCha7539Engine keyedEngine(ChaCha7539Engine old, byte[] key) {
            ChaCha7539Engine e = old != null ? old : new ChaCha7539Engine();
            e.init(true, new ParametersWithIV(new KeyParameter(check(key)), new byte[KeystreamNonce.LENGTH]));
            return e;
        }

        private static byte[] check(byte[] key) {
            if (key.length != 32) {
                throw new IllegalArgumentException("key must be 32 bytes, not " + key.length);
            }
            return key;
        }
    }
}
