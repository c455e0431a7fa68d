package net.zcc.agent.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Per-segment cost of the suites on 1448-byte payloads (SIV seal: tag then keystream), and the two
 * ChaCha20 candidates (SunJCE in DECRYPT mode, BC ChaCha7539Engine). Run by hand:
 * {@code java -cp agent/target/classes:agent/target/test-classes:$(cat agent/target/agent.classpath)
 * net.zcc.agent.crypto.SuiteBench}
 */
public final class SuiteBench {

    public static void main(String[] args) throws Exception {
        byte[] key = new byte[32];
        byte[] buf = new byte[1448];
        byte[] head = new byte[MacInput.LENGTH];
        byte[] tag = new byte[12];
        for (int round = 0; round < 3; round++) {
            for (int suite = 1; suite <= 2; suite++) {
                DirectionCipher d = CipherSuites.byNumber(suite).direction(key, key);
                time("suite " + suite + " seal", buf, i -> d.seal(head, 0, head.length, i * 1448L, buf, 0, 1448, tag, 0, 12));
                time("suite " + suite + " open", buf, i -> d.open(head, 0, head.length, i * 1448L, buf, 0, 1448, tag, 0, 12));
            }
            Cipher jce = Cipher.getInstance("ChaCha20", "SunJCE");
            SecretKeySpec spec = new SecretKeySpec(key, "ChaCha20");
            byte[] nonce = new byte[12];
            time("chacha20 SunJCE DECRYPT-mode init+doFinal", buf, i -> {
                nonce[11] = (byte) i;
                jce.init(Cipher.DECRYPT_MODE, spec, new ChaCha20ParameterSpec(nonce, 0));
                jce.doFinal(buf, 0, 1448, buf, 0);
            });
            ChaCha7539Engine bc = new ChaCha7539Engine();
            time("chacha20 BC ChaCha7539Engine init+processBytes", buf, i -> {
                nonce[11] = (byte) i;
                bc.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
                bc.processBytes(buf, 0, 1448, buf, 0);
            });
        }
    }

    interface Op {
        void run(int i) throws Exception;
    }

    static void time(String name, byte[] buf, Op op) throws Exception {
        int n = 200_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            op.run(i);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%-48s %7.0f ns/segment %7.0f MB/s%n", name, s * 1e9 / n, n * 1448.0 / s / 1e6);
    }
}
