package net.zcc.agent.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Suite 1, {@code aes-256}: AES-256-CTR keystream and HMAC-SHA-256 tags (PROTOCOL.md 5).
 *
 * <p>Both come from SunJCE, whose AES uses the CPU's AES instructions; Bouncy Castle's AES is
 * about 100 times slower (STACK-NOTES.md 6).
 */
public final class Aes256Suite implements CipherSuite {
    /** Counter blocks in, keystream out: room for a 64 KiB segment, per queue thread (not per connection). */
    /**
     * Looked up once: a new connection creates two ciphers and two MACs, and a provider lookup by
     * name costs more than the AES key expansion itself.
     */
    private static final java.security.Provider SUN_JCE = java.security.Security.getProvider("SunJCE");
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(
            () -> new byte[][] {new byte[65536 + 16], new byte[65536 + 16]});

    @Override
    public int number() {
        return 1;
    }

    @Override
    public String scheme() {
        return "aes-256";
    }

    @Override
    public DirectionCipher direction(byte[] encKey, byte[] macKey) {
        return new Direction(SivDirection.check(encKey), SivDirection.check(macKey));
    }

    /** One direction's AES key schedule and keyed HMAC, created once per connection. */
    static final class Direction extends SivDirection {
        private static final java.lang.invoke.VarHandle LONGS =
                java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.nativeOrder());
        private final Cipher ecb;
        private final Mac hmac;

        Direction(byte[] encKey, byte[] macKey) {
            try {
                ecb = Cipher.getInstance("AES/ECB/NoPadding", SUN_JCE);
                ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encKey, "AES"));
                hmac = Mac.getInstance("HmacSHA256", SUN_JCE);
                hmac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK lacks AES or HMAC-SHA-256, or refused the key", e);
            }
        }

        @Override
        void keystreamXor(byte[] nonce12, byte[] buf, int off, int len) {
            // Counter mode written out over AES-ECB: the blocks nonce ‖ j (j = 0, 1, ...) are
            // encrypted in one call by a Cipher keyed once per connection, then XORed in. This is
            // AES-CTR exactly (the vectors pin it), without a JCE init per segment, which costs
            // more than the AES work of a small segment.
            byte[][] s = SCRATCH.get();
            byte[] blocks = s[0];
            byte[] stream = s[1];
            int n = (len + 15) >>> 4;
            for (int j = 0; j < n; j++) {
                int o = j << 4;
                System.arraycopy(nonce12, 0, blocks, o, 12);
                blocks[o + 12] = (byte) (j >>> 24);
                blocks[o + 13] = (byte) (j >>> 16);
                blocks[o + 14] = (byte) (j >>> 8);
                blocks[o + 15] = (byte) j;
            }
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
        void prf(byte[] head, int headOff, int headLen, byte[] payload, int payOff, int payLen, byte[] out32) {
            try {
                // doFinal leaves the Mac keyed with the same key: ready for the next segment.
                hmac.update(head, headOff, headLen);
                hmac.update(payload, payOff, payLen);
                hmac.doFinal(out32, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("HMAC output buffer", e);
            } catch (RuntimeException e) {
                hmac.reset(); // bad offsets: do not let half an input leak into the next tag
                throw e;
            }
        }

        /**
         * HMAC re-keying overwrites its inner and outer pads in place. SunJCE's AES re-keying
         * replaces its round keys with new arrays, so the old ones are only unreachable: Java
         * offers no way to zero a provider's internal arrays.
         */
        @Override
        void wipeKeys() {
            try {
                ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"));
                hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("re-keying with zeros failed", e);
            }
        }
    }
}
