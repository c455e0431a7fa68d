package net.zcc.agent.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Measures candidate segment codecs (PROTOCOL.md 7) on 1448-byte segments: compressed size
 * and compress+decompress throughput. Not a test; run by hand:
 *
 * <pre>
 * java -cp agent/target/classes:agent/target/test-classes:$(cat agent/target/agent.classpath) \
 *     net.zcc.agent.crypto.CompressionBench FILE...
 * </pre>
 *
 * Text segments come from the files named; random segments from a seeded PRNG.
 */
public final class CompressionBench {

    static final int SEG = 1448;

    /** One codec: compress into out (room: 2 * SEG), decompress back; returns compressed length. */
    interface Codec {
        int compress(byte[] in, int len, byte[] out);

        void decompress(byte[] in, int len, byte[] out, int origLen) throws DataFormatException;
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> text = segments(args);
        List<byte[]> random = new ArrayList<>();
        Random rnd = new Random(1);
        for (int i = 0; i < text.size(); i++) {
            byte[] s = new byte[SEG];
            rnd.nextBytes(s);
            random.add(s);
        }
        System.out.println("segments: " + text.size() + " text, " + random.size() + " random, " + SEG + " bytes each");
        System.out.println("| codec | data | compressed/original | segments sent compressed | compress MB/s | decompress MB/s | both MB/s |");
        System.out.println("|---|---|---|---|---|---|---|");
        String[] names = {"lz4 JNI (nativeInstance)", "lz4 Java unsafe (unsafeInstance)", "lz4 Java safe (safeInstance)",
            "deflate raw BEST_SPEED", "deflate raw DEFAULT(6)", "lz4 JNI fastResetCompressor (per-thread state)"};
        Codec[] codecs = {lz4(LZ4Factory.nativeInstance()), lz4(LZ4Factory.unsafeInstance()),
            lz4(LZ4Factory.safeInstance()), deflate(Deflater.BEST_SPEED), deflate(Deflater.DEFAULT_COMPRESSION),
            lz4(LZ4Factory.nativeInstance().fastResetCompressor(), LZ4Factory.safeInstance().safeDecompressor())};
        for (int c = 0; c < codecs.length; c++) {
            run(names[c], "text", codecs[c], text);
            run(names[c], "random", codecs[c], random);
        }
        lz4Determinism(text);
        for (String f : args) {
            List<byte[]> one = segments(new String[] {f});
            System.out.printf("ratio per file %s (%d segments): lz4 JNI %.3f, deflate BEST_SPEED %.3f%n",
                    Path.of(f).getFileName(), one.size(), ratio(codecs[0], one), ratio(codecs[3], one));
        }
    }

    static double ratio(Codec codec, List<byte[]> segs) {
        byte[] comp = new byte[2 * SEG];
        long out = 0;
        for (byte[] s : segs) {
            out += codec.compress(s, SEG, comp);
        }
        return (double) out / (segs.size() * (long) SEG);
    }

    static List<byte[]> segments(String[] files) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String f : files) {
            all.write(Files.readAllBytes(Path.of(f)));
        }
        byte[] b = all.toByteArray();
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i + SEG <= b.length; i += SEG) {
            out.add(Arrays.copyOfRange(b, i, i + SEG));
        }
        return out;
    }

    static Codec lz4(LZ4Factory f) {
        return lz4(f.fastCompressor(), f.safeDecompressor());
    }

    static Codec lz4(LZ4Compressor comp, LZ4SafeDecompressor dec) {
        return new Codec() {
            public int compress(byte[] in, int len, byte[] out) {
                return comp.compress(in, 0, len, out, 0, out.length);
            }

            public void decompress(byte[] in, int len, byte[] out, int origLen) throws DataFormatException {
                if (dec.decompress(in, 0, len, out, 0, origLen) != origLen) {
                    throw new DataFormatException("length");
                }
            }
        };
    }

    static Codec deflate(int level) {
        Deflater d = new Deflater(level, true);
        Inflater inf = new Inflater(true);
        return new Codec() {
            public int compress(byte[] in, int len, byte[] out) {
                d.reset();
                d.setInput(in, 0, len);
                d.finish();
                int n = d.deflate(out, 0, out.length);
                if (!d.finished()) {
                    throw new IllegalStateException("output buffer too small");
                }
                return n;
            }

            public void decompress(byte[] in, int len, byte[] out, int origLen) throws DataFormatException {
                inf.reset();
                inf.setInput(in, 0, len);
                if (inf.inflate(out, 0, origLen) != origLen || !inf.finished()) {
                    throw new DataFormatException("length");
                }
            }
        };
    }

    static void run(String name, String data, Codec codec, List<byte[]> segs) throws Exception {
        byte[] comp = new byte[2 * SEG];
        byte[] back = new byte[SEG];
        long in = 0;
        long out = 0;
        int smaller = 0;
        for (byte[] s : segs) {
            int n = codec.compress(s, SEG, comp);
            codec.decompress(comp, n, back, SEG);
            if (!Arrays.equals(s, back)) {
                throw new AssertionError(name + " does not round-trip");
            }
            in += SEG;
            out += n;
            smaller += n + 2 < SEG ? 1 : 0;
        }
        byte[][] compressed = new byte[segs.size()][];
        for (int i = 0; i < segs.size(); i++) {
            int n = codec.compress(segs.get(i), SEG, comp);
            compressed[i] = Arrays.copyOf(comp, n);
        }
        timeCompress(codec, segs, comp, 500); // warm-up
        timeDecompress(codec, compressed, back, 500);
        double cMBs = timeCompress(codec, segs, comp, 1500);
        double dMBs = timeDecompress(codec, compressed, back, 1500);
        double both = 1 / (1 / cMBs + 1 / dMBs);
        System.out.printf("| %s | %s | %.3f | %d/%d | %.0f | %.0f | %.0f |%n", name, data, (double) out / in,
                smaller, segs.size(), cMBs, dMBs, both);
    }

    static double timeCompress(Codec codec, List<byte[]> segs, byte[] comp, long millis) {
        long bytes = 0;
        long t0 = System.nanoTime();
        long end = t0 + millis * 1_000_000;
        while (System.nanoTime() < end) {
            for (byte[] s : segs) {
                codec.compress(s, SEG, comp);
                bytes += SEG;
            }
        }
        return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    static double timeDecompress(Codec codec, byte[][] compressed, byte[] back, long millis) throws Exception {
        long bytes = 0;
        long t0 = System.nanoTime();
        long end = t0 + millis * 1_000_000;
        while (System.nanoTime() < end) {
            for (byte[] c : compressed) {
                codec.decompress(c, c.length, back, SEG);
                bytes += SEG;
            }
        }
        return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
    }

    /** Do the three LZ4 instances emit the same bytes? (Determinism across deployments.) */
    static void lz4Determinism(List<byte[]> segs) {
        LZ4Compressor[] cs = {LZ4Factory.nativeInstance().fastCompressor(),
            LZ4Factory.unsafeInstance().fastCompressor(), LZ4Factory.safeInstance().fastCompressor(),
            LZ4Factory.nativeInstance().fastResetCompressor()};
        int[] differ = new int[cs.length];
        byte[] a = new byte[2 * SEG];
        byte[] b = new byte[2 * SEG];
        for (byte[] s : segs) {
            int na = cs[0].compress(s, 0, SEG, a, 0, a.length);
            for (int i = 1; i < cs.length; i++) {
                int nb = cs[i].compress(s, 0, SEG, b, 0, b.length);
                if (na != nb || !Arrays.equals(a, 0, na, b, 0, nb)) {
                    differ[i]++;
                }
            }
        }
        System.out.println("segments whose LZ4 output differs from JNI: Java unsafe " + differ[1]
                + ", Java safe " + differ[2] + ", JNI fastReset " + differ[3] + " of " + segs.size());
    }
}
