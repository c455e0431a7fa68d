package net.zcc.agent.path;

import java.util.Arrays;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.servicefile.Policy;

/**
 * The data plane's own cost per segment, without the kernel: A seals a segment of N payload
 * bytes, B opens it, B seals a pure ACK, A opens it; one thread, 200,000 times per round.
 *
 * <pre>
 * java -cp agent/target/classes:agent/target/test-classes:$(cat agent/target/agent.classpath):JUNIT_API_JAR \
 *     net.zcc.agent.path.SealOpenBench aes-256 1400
 * </pre>
 */
public final class SealOpenBench {
    private SealOpenBench() {
    }

    public static void main(String[] args) throws Exception {
        String scheme = args.length > 0 ? args[0] : "aes-256";
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        TwoAgentsTest t = new TwoAgentsTest();
        TwoAgentsTest.Pair p = t.new Pair(false, scheme, false, Policy.REQUIRE,
                TwoAgentsTest.oneKey(TwoAgentsTest.KEY, 42), true, 1000, 5000);
        p.handshake();
        OutboundPath sealA = new OutboundPath(p.hostA.dp);
        OutboundPath sealB = new OutboundPath(p.hostB.dp);
        InboundPath openA = new InboundPath(p.hostA.dp);
        InboundPath openB = new InboundPath(p.hostB.dp);
        Worker wa = new Worker();
        Worker wb = new Worker();
        int n = 200_000;
        byte[][] data = new byte[n][];
        byte[][] acks = new byte[n][];
        for (int i = 0; i < n; i++) {
            data[i] = p.fromA(p.isnA + 1 + (long) i * size, p.isnB + 1, TcpPacket.ACK | TcpPacket.PSH, new byte[size]);
            acks[i] = p.fromB(p.isnB + 1, p.isnA + 1 + (long) (i + 1) * size, TcpPacket.ACK, new byte[0]);
        }
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pass(sealA, wa, data[i], openB, wb);
                pass(sealB, wb, acks[i], openA, wa);
            }
            System.out.printf("%s: %.0f ns per seal or open (%d-byte segments and pure ACKs alternating)%n",
                    scheme, (System.nanoTime() - t0) / (4.0 * n), size);
        }
    }

    private static void pass(OutboundPath seal, Worker ws, byte[] segment, InboundPath open, Worker wo) {
        System.arraycopy(segment, 0, ws.buf, 0, segment.length);
        if (seal.handle(ws, segment.length) != Action.REWRITE) {
            throw new IllegalStateException("not sealed");
        }
        byte[] wire = Arrays.copyOf(ws.buf, ws.tcp.totalLength());
        System.arraycopy(wire, 0, wo.buf, 0, wire.length);
        if (open.handle(wo, wire.length) != Action.REWRITE) {
            throw new IllegalStateException("not opened");
        }
    }
}
