package net.zcc.agent.it;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.zcc.agent.nfqueue.NetlinkPacketQueue;
import net.zcc.agent.nfqueue.PacketBatch;
import net.zcc.agent.nfqueue.QueuedPacket;
import net.zcc.agent.wire.TcpPacket;

/**
 * A hostile router's queue program, run inside the router namespace on its own NFQUEUE. On data
 * segments towards {@code PORT} (the protected service) it, with seeded randomness:
 *
 * <ul>
 *   <li>flips one payload bit and fixes the TCP checksum, so only the MAC can notice;</li>
 *   <li>duplicates: the segment is replaced by a copy of an earlier segment of the same flow
 *       (the current one is lost; TCP repairs);</li>
 *   <li>reorders: holds the whole receive batch and gives its verdicts after the next batch's
 *       (every verdict is then an individual one, since a batch verdict would settle the held ids);</li>
 *   <li>forges a RST: the segment becomes a bare RST with its own sequence number, no option,
 *       checksums right.</li>
 * </ul>
 *
 * Rates are in per mille. Everything else is accepted as it is. Prints "BOUND" once the queue is
 * bound, "COUNTS ..." every two seconds and on exit (SIGTERM).
 *
 * <pre>
 * Impairer QUEUE PORT SEED FLIP DUP REORDER RST     e.g. 7 5001 1 10 10 20 5
 * </pre>
 */
public final class Impairer {
    private static final AtomicLong packets = new AtomicLong();
    private static final AtomicLong dataSegments = new AtomicLong();
    private static final AtomicLong flips = new AtomicLong();
    private static final AtomicLong dups = new AtomicLong();
    private static final AtomicLong reorders = new AtomicLong();
    private static final AtomicLong rsts = new AtomicLong();
    private static final AtomicLong errors = new AtomicLong();

    private Impairer() {
    }

    static String counts() {
        return "COUNTS packets=" + packets + " data=" + dataSegments + " flips=" + flips + " dups=" + dups
                + " reorders=" + reorders + " rsts=" + rsts + " errors=" + errors;
    }

    public static void main(String[] args) throws Exception {
        int queueNum = Integer.parseInt(args[0]);
        int port = Integer.parseInt(args[1]);
        Random rnd = new Random(Long.parseLong(args[2]));
        int flip = Integer.parseInt(args[3]);
        int dup = flip + Integer.parseInt(args[4]);
        int reorder = dup + Integer.parseInt(args[5]);
        int rst = reorder + Integer.parseInt(args[6]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(counts());
            System.out.flush();
        }));
        Thread ticker = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
                System.out.println(counts());
                System.out.flush();
            }
        });
        ticker.setDaemon(true);
        ticker.start();

        NetlinkPacketQueue q = NetlinkPacketQueue.open(queueNum, NetlinkPacketQueue.Config.defaults());
        System.out.println("BOUND " + queueNum + " " + q.receiveMode());
        System.out.flush();
        PacketBatch[] batches = {new PacketBatch(64), new PacketBatch(64)};
        int cur = 0;
        PacketBatch held = null;
        TcpPacket tcp = new TcpPacket();
        byte[] buf = new byte[65536 + 128];
        ArrayDeque<byte[]> earlier = new ArrayDeque<>(); // copies of recent data segments to PORT
        while (true) {
            PacketBatch b = batches[cur];
            int n;
            try {
                n = q.receive(b);
            } catch (ClosedChannelException e) {
                return;
            } catch (java.io.IOException e) {
                errors.incrementAndGet();
                Thread.sleep(10);
                continue;
            }
            boolean holdThis = false;
            for (int i = 0; i < n; i++) {
                QueuedPacket p = b.get(i);
                packets.incrementAndGet();
                if (p.isMalformed() || !p.isComplete()) {
                    p.accept(); // not ours to judge; the kernel's copy goes on
                    continue;
                }
                ByteBuffer v = p.payload();
                int len = v.remaining();
                v.duplicate().get(buf, 0, len);
                if (tcp.parse(buf, len) != null || tcp.dstPort() != port || tcp.payloadLength() == 0
                        || (tcp.flags() & (TcpPacket.SYN | TcpPacket.RST | TcpPacket.FIN)) != 0) {
                    p.accept();
                    continue;
                }
                dataSegments.incrementAndGet();
                int roll = rnd.nextInt(1000);
                if (roll < flip) {
                    int at = tcp.payloadOffset() + rnd.nextInt(tcp.payloadLength());
                    buf[at] ^= (byte) (1 << rnd.nextInt(8));
                    tcp.updateChecksums();
                    p.acceptReplaced(ByteBuffer.wrap(buf.clone(), 0, tcp.totalLength()));
                    flips.incrementAndGet();
                } else if (roll < dup && sameFlow(earlier.peekFirst(), tcp)) {
                    p.acceptReplaced(ByteBuffer.wrap(earlier.peekFirst())); // an earlier segment again
                    dups.incrementAndGet();
                } else if (roll < reorder && held == null && !holdThis) {
                    holdThis = true;
                    p.accept();
                    reorders.incrementAndGet();
                } else if (roll >= reorder && roll < rst) {
                    tcp.makeRst(tcp.seq(), 0, false);
                    tcp.updateChecksums();
                    p.acceptReplaced(ByteBuffer.wrap(buf.clone(), 0, tcp.totalLength()));
                    rsts.incrementAndGet();
                } else {
                    p.accept();
                }
                if (p.replacement() == null) {
                    remember(earlier, buf, len);
                }
            }
            if (held != null || holdThis) {
                // No batch verdict while a batch is held: it would settle the held packets' ids.
                for (int i = 0; i < n; i++) {
                    QueuedPacket p = b.get(i);
                    if (p.verdict() == QueuedPacket.Verdict.ACCEPT && p.replacement() == null) {
                        p.acceptReplaced(holdThis ? copy(p.payload()) : p.payload());
                    }
                }
            }
            if (holdThis) {
                // The receive slots are reused by the next receive: the held batch carries copies
                // (made above); the next receive goes into the other batch.
                held = b;
                cur ^= 1;
                continue;
            }
            if (n > 0) {
                q.sendVerdicts(b);
            }
            if (held != null) {
                q.sendVerdicts(held); // after the batch that came in behind it
                held = null;
            }
        }
    }

    private static ByteBuffer copy(ByteBuffer v) {
        byte[] c = new byte[v.remaining()];
        v.duplicate().get(c);
        return ByteBuffer.wrap(c);
    }

    private static boolean sameFlow(byte[] old, TcpPacket now) {
        if (old == null) {
            return false;
        }
        byte[] cur = now.buffer();
        int ipLen = now.ipHeaderLength();
        // same IP version, header length, and ports (addresses are fixed in this test)
        return (old[0] & 0xF0) == (cur[0] & 0xF0) && old.length > ipLen + 4
                && old[ipLen] == cur[ipLen] && old[ipLen + 1] == cur[ipLen + 1]
                && old[ipLen + 2] == cur[ipLen + 2] && old[ipLen + 3] == cur[ipLen + 3];
    }

    /** Keeps the last 8 plain data segments; the oldest is the one a duplicate repeats. */
    private static void remember(ArrayDeque<byte[]> earlier, byte[] buf, int len) {
        byte[] c = java.util.Arrays.copyOf(buf, len);
        earlier.addLast(c);
        if (earlier.size() > 8) {
            earlier.removeFirst();
        }
    }
}
