package net.zcc.agent.crypto;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The segment codec of PROTOCOL.md 7: an LZ4 block with fixed parameters (the "fast"
 * compressor, acceleration 1, no dictionary, no frame).
 *
 * <p>Why LZ4 and not Deflate: on 1448-byte segments LZ4 (JNI) compresses text about 10 times
 * faster than raw Deflate at BEST_SPEED (614 against 67 MB/s) and Deflate could not keep one
 * core at 1 Gbit/s; Deflate's better ratio (0.40 against 0.57) does not pay for that
 * (vectors/zcc/COMPRESSION-FIGURES.md).
 *
 * <p>Determinism (the keystream argument of PROTOCOL.md 6.2 needs it): the JNI and the
 * pure-Java LZ4 compressors emit different bytes for the same input, each deterministically.
 * One compressor is picked once per process and never changes, and keys die with the process,
 * so a retransmission is always compressed by the same code to the same bytes.
 *
 * <p>Decompression reads hostile input, so it uses the pure-Java safe decompressor: bounds are
 * checked by the JVM, nothing native runs on attacker bytes, output never exceeds the declared
 * original length, and its 1 GB/s is far above what one segment needs.
 *
 * <p>Not thread-safe: one per packet worker (it owns a scratch buffer).
 */
public final class Compressor {

    /** Largest payload a segment can carry (the original length field is 16 bits). */
    public static final int MAX_LENGTH = 0xffff;
    /** Bytes of the clear original-length prefix the caller puts before the compressed bytes. */
    public static final int LENGTH_PREFIX = 2;

    private static final LZ4Compressor COMPRESSOR;
    private static final String IMPLEMENTATION;
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();

    static {
        LZ4Compressor c;
        String impl;
        try {
            c = LZ4Factory.nativeInstance().fastCompressor();
            impl = "lz4 block, JNI fast compressor";
        } catch (Throwable e) {
            // No loadable native library (noexec tmpdir, other CPU): the Java one is fixed too.
            c = LZ4Factory.safeInstance().fastCompressor();
            impl = "lz4 block, Java safe compressor (JNI unavailable: " + e + ")";
        }
        COMPRESSOR = c;
        IMPLEMENTATION = impl;
    }

    private final byte[] scratch = new byte[COMPRESSOR.maxCompressedLength(MAX_LENGTH)];

    /** Which compressor this process uses, for the start-up log. */
    public static String implementation() {
        return IMPLEMENTATION;
    }

    /**
     * Compresses {@code in[off..off+len)} into {@code out} at {@code outOff}.
     *
     * @return the compressed length, or -1 if the compressed bytes plus the 2-byte length
     *     prefix would not be strictly shorter than {@code len} (then send uncompressed);
     *     {@code out} is untouched in that case
     */
    public int compress(byte[] in, int off, int len, byte[] out, int outOff) {
        if (len < 0 || len > MAX_LENGTH) {
            throw new IllegalArgumentException("payload length out of range: " + len);
        }
        if (len <= LENGTH_PREFIX + 1) {
            return -1; // LZ4 output is never shorter than one byte
        }
        // Into scratch, not out: a too-small destination makes LZ4 throw, and an exception per
        // incompressible segment would cost more than this copy.
        int n = COMPRESSOR.compress(in, off, len, scratch, 0, scratch.length);
        if (n + LENGTH_PREFIX >= len) {
            return -1;
        }
        System.arraycopy(scratch, 0, out, outOff, n);
        return n;
    }

    /**
     * Decompresses {@code in[off..off+len)}, which must yield exactly {@code origLen} bytes, into
     * {@code out} at {@code outOff}. Safe on hostile input: never writes past
     * {@code outOff + origLen} and throws nothing unchecked for bad data.
     *
     * @throws CompressionException if the data is malformed, shorter or longer than
     *     {@code origLen}, or {@code origLen} does not fit {@code out}
     */
    public void decompress(byte[] in, int off, int len, byte[] out, int outOff, int origLen)
            throws CompressionException {
        if (origLen < 0 || origLen > MAX_LENGTH || origLen > out.length - outOff) {
            throw new CompressionException("original length " + origLen + " out of range");
        }
        if (len <= 0 || off < 0 || len > in.length - off) {
            throw new CompressionException("compressed length " + len + " out of range");
        }
        int n;
        try {
            n = DECOMPRESSOR.decompress(in, off, len, out, outOff, origLen);
        } catch (RuntimeException e) {
            // LZ4Exception for malformed blocks; anything else unchecked is treated the same, so
            // a crafted segment can never escape as an unchecked exception onto the packet path.
            throw new CompressionException("malformed lz4 block");
        }
        if (n != origLen) {
            throw new CompressionException("decompressed to " + n + " bytes, expected " + origLen);
        }
    }
}
