package net.zcc.agent.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * Suite 1, {@code aes-256}: AES-256-CTR keystream and HMAC-SHA-256 tags (PROTOCOL.md 5).
 *
 * <p>Both come from SunJCE, whose AES-CTR uses the CPU's AES instructions; Bouncy Castle's
 * AES is about 100 times slower (STACK-NOTES.md 6).
 */
public final class Aes256Suite implements CipherSuite {

    @Override
    public int number() {
        return 1;
    }

    @Override
    public String scheme() {
        return "aes-256";
    }

    @Override
    public SegmentCrypto newWorkerInstance() {
        return new Worker();
    }

    /** One worker's AES-CTR cipher and HMAC object. */
    static final class Worker extends PrfSegmentCrypto {
        private final Cipher ctr;
        private final Mac hmac;
        private final KeyCache encKey = new KeyCache("AES");
        private final KeyCache macKey = new KeyCache("HmacSHA256");
        private final byte[] counter = new byte[16];

        Worker() {
            try {
                ctr = Cipher.getInstance("AES/CTR/NoPadding", "SunJCE");
                hmac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK lacks AES-CTR or HMAC-SHA-256", e);
            }
        }

        @Override
        public void keystreamXor(byte[] key, int dir, boolean compressed, int origLength, long relSeq,
                                 byte[] buf, int off, int len) {
            // Counter block = nonce ‖ j with j = 0 in the last 4 bytes. SunJCE increments the
            // whole 128-bit block, which equals incrementing j alone: j stays below 2^12.
            KeystreamNonce.write(counter, dir, compressed, origLength, relSeq);
            try {
                ctr.init(Cipher.ENCRYPT_MODE, encKey.spec(key), new IvParameterSpec(counter));
                int n = ctr.doFinal(buf, off, len, buf, off);
                assert n == len;
            } catch (ShortBufferException e) {
                throw new IllegalStateException("CTR output shorter than input", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("AES-CTR refused the key or counter", e);
            }
        }

        @Override
        void prf(byte[] key, byte[] head, int headOff, int headLen,
                 byte[] payload, int payOff, int payLen, byte[] out32) {
            try {
                // doFinal leaves the Mac keyed with the same key, so init only on a key change.
                if (!macKey.isCurrent(key)) {
                    hmac.init(macKey.update(key));
                }
                hmac.update(head, headOff, headLen);
                hmac.update(payload, payOff, payLen);
                hmac.doFinal(out32, 0);
            } catch (GeneralSecurityException e) {
                macKey.clear();
                throw new IllegalArgumentException("HMAC-SHA-256 refused the key", e);
            } catch (RuntimeException e) {
                hmac.reset(); // bad offsets: do not let half an input leak into the next tag
                throw e;
            }
        }
    }
}
