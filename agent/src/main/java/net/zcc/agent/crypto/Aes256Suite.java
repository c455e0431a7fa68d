package net.zcc.agent.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

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

    /** One worker's AES-CTR ciphers and HMAC objects, one per recently used key. */
    static final class Worker extends PrfSegmentCrypto {
        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());
        private final KeyedSlots<Cipher> ecbs = new KeyedSlots<>(Worker::newEcb);
        private final KeyedSlots<Mac> hmacs = new KeyedSlots<>(Worker::newMac);
        private final byte[] counter = new byte[16];
        /** Counter blocks in, keystream out: room for a 64 KiB segment. */
        private final byte[] blocks = new byte[65536 + 16];
        private final byte[] stream = new byte[65536 + 16];

        @Override
        public void keystreamXor(byte[] key, int dir, boolean compressed, int origLength, long relSeq,
                                 byte[] buf, int off, int len) {
            // Counter mode written out over AES-ECB: the counter blocks nonce ‖ j (j = 0, 1, ...)
            // are encrypted in one call by a Cipher keyed once per key, then XORed in. This is
            // AES-CTR exactly (the vectors pin it), without a JCE init per segment, which costs
            // more than the AES work of a small segment.
            KeystreamNonce.write(counter, dir, compressed, origLength, relSeq);
            int n = (len + 15) >>> 4;
            for (int j = 0; j < n; j++) {
                int o = j << 4;
                System.arraycopy(counter, 0, blocks, o, 12);
                blocks[o + 12] = (byte) (j >>> 24);
                blocks[o + 13] = (byte) (j >>> 16);
                blocks[o + 14] = (byte) (j >>> 8);
                blocks[o + 15] = (byte) j;
            }
            Cipher ecb = ecbs.get(check(key));
            try {
                ecb.update(blocks, 0, n << 4, stream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("ECB output shorter than input", e);
            }
            int i = 0;
            for (; i + 7 < len; i += 8) {
                LONGS.set(buf, off + i, (long) LONGS.get(buf, off + i) ^ (long) LONGS.get(stream, i));
            }
            for (; i < len; i++) {
                buf[off + i] ^= stream[i];
            }
        }

        @Override
        void prf(byte[] key, byte[] head, int headOff, int headLen,
                 byte[] payload, int payOff, int payLen, byte[] out32) {
            Mac hmac = hmacs.get(check(key));
            try {
                // doFinal leaves the Mac keyed with the same key: ready for the next segment.
                hmac.update(head, headOff, headLen);
                hmac.update(payload, payOff, payLen);
                hmac.doFinal(out32, 0);
            } catch (GeneralSecurityException e) {
                hmacs.clear();
                throw new IllegalArgumentException("HMAC-SHA-256 failed", e);
            } catch (RuntimeException e) {
                hmac.reset(); // bad offsets: do not let half an input leak into the next tag
                throw e;
            }
        }

        private static byte[] check(byte[] key) {
            if (key.length != 32) {
                throw new IllegalArgumentException("key must be 32 bytes, not " + key.length);
            }
            return key;
        }

        private static Cipher newEcb(Cipher old, byte[] key) {
            try {
                Cipher c = old != null ? old : Cipher.getInstance("AES/ECB/NoPadding", "SunJCE");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(check(key), "AES"));
                return c;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK lacks AES or refused the key", e);
            }
        }

        private static Mac newMac(Mac old, byte[] key) {
            try {
                Mac m = old != null ? old : Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(check(key), "HmacSHA256"));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("JDK lacks HMAC-SHA-256 or refused the key", e);
            }
        }
    }
}
