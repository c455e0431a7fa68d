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

    /** One worker's ChaCha20 cipher and keyed BLAKE2s digest. */
    static final class Worker extends PrfSegmentCrypto {
        private final ChaCha7539Engine chacha = new ChaCha7539Engine();
        private final KeyCache encKey = new KeyCache("ChaCha20");
        private final KeyCache macKey = new KeyCache("BLAKE2s");
        private final byte[] nonce = new byte[KeystreamNonce.LENGTH];
        private Blake2sDigest blake;

        @Override
        public void keystreamXor(byte[] key, int dir, boolean compressed, int origLength, long relSeq,
                                 byte[] buf, int off, int len) {
            KeystreamNonce.write(nonce, dir, compressed, origLength, relSeq);
            // init starts at block counter j = 0 (PROTOCOL.md 6.2), not RFC 8439 AEAD's 1. A null
            // key parameter keeps the engine's key setup: only a key change passes the key.
            KeyParameter k = null;
            if (!encKey.isCurrent(key)) {
                encKey.update(key);
                k = new KeyParameter(key);
            }
            try {
                chacha.init(true, new ParametersWithIV(k, nonce));
                chacha.processBytes(buf, off, len, buf, off);
            } catch (RuntimeException e) {
                encKey.clear(); // the engine's key is unknown now: pass the key next time
                throw e;
            }
        }

        @Override
        void prf(byte[] key, byte[] head, int headOff, int headLen,
                 byte[] payload, int payOff, int payLen, byte[] out32) {
            // A keyed digest resets to its keyed state after doFinal; only a key change needs a
            // new object (BC has no re-key method).
            if (!macKey.isCurrent(key)) {
                macKey.update(key);
                blake = new Blake2sDigest(key, 32, null, null);
            }
            try {
                blake.update(head, headOff, headLen);
                blake.update(payload, payOff, payLen);
                blake.doFinal(out32, 0);
            } catch (RuntimeException e) {
                blake.reset(); // bad offsets: do not let half an input leak into the next tag
                throw e;
            }
        }
    }
}
