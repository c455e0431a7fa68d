package net.zcc.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * One bounded bulk transfer over one TCP connection, as fast as TCP goes, in either direction
 * of a connection the client opens. Run as its own process inside a namespace; the process
 * serves one connection and exits (at the latest after 100 s).
 *
 * <pre>
 * server ADDR PORT recv        accept one connection, read to EOF: print "RECV bytes sha256"
 * server ADDR PORT send BYTES  accept one connection, send BYTES: print "SENT bytes sha256"
 * client ADDR PORT send BYTES  connect, send BYTES: print "SENT bytes sha256"
 * client ADDR PORT recv        connect, read to EOF: print "RECV bytes sha256"
 * </pre>
 * The data is a seeded, non-repeating random stream; the sender half-closes and waits for the
 * other side's close, so both lines are written only after every byte was delivered. Any
 * exception (a reset included) prints "ERROR ..." and exits 1.
 */
public final class Bulk {
    private Bulk() {
    }

    public static void main(String[] args) throws Exception {
        Thread guard = new Thread(() -> {
            try {
                Thread.sleep(100_000);
                System.out.println("ERROR hard time limit");
                System.exit(2);
            } catch (InterruptedException e) {
                // ends with the process
            }
        });
        guard.setDaemon(true);
        guard.start();
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        boolean send = args[3].equals("send");
        long bytes = send ? Long.parseLong(args[4]) : 0;
        long t0 = 0;
        try {
            Socket s;
            if (args[0].equals("server")) {
                try (ServerSocket ss = new ServerSocket()) {
                    ss.setReuseAddress(true);
                    ss.bind(at);
                    System.out.println("LISTENING");
                    System.out.flush();
                    s = ss.accept();
                }
            } else {
                s = new Socket();
                s.connect(at, 10_000);
            }
            t0 = System.nanoTime();
            try (s) {
                s.setSoTimeout(60_000);
                System.out.println("CONNECTED");
                System.out.flush();
                String line = send ? send(s, bytes) : receive(s);
                System.out.println(line + " " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        } catch (IOException e) {
            System.out.println("ERROR " + e + " after " + (t0 == 0 ? 0 : (System.nanoTime() - t0) / 1_000_000) + " ms");
            System.exit(1);
        }
    }

    private static String send(Socket s, long bytes) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Random rnd = new Random(20_260_127);
        byte[] chunk = new byte[65536];
        OutputStream out = s.getOutputStream();
        long total = 0;
        while (total < bytes) {
            int n = (int) Math.min(chunk.length, bytes - total);
            rnd.nextBytes(chunk);
            out.write(chunk, 0, n);
            md.update(chunk, 0, n);
            total += n;
        }
        out.flush();
        s.shutdownOutput();
        int eof = s.getInputStream().read(); // the receiver closes after reading everything
        if (eof != -1) {
            throw new IOException("unexpected data from the receiver");
        }
        return "SENT " + total + " " + HexFormat.of().formatHex(md.digest());
    }

    /**
     * Reads to EOF; also compares with the seeded stream the sender sends and prints
     * "MISMATCH from-to" for (up to 20) byte ranges that differ, so a corruption can be located.
     */
    private static String receive(Socket s) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        InputStream in = s.getInputStream();
        byte[] buf = new byte[65536];
        Random rnd = new Random(20_260_127);
        byte[] expect = new byte[65536];
        int expectPos = expect.length;
        long total = 0;
        long badFrom = -1;
        int ranges = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
            for (int i = 0; i < n; i++, total++) {
                if (expectPos == expect.length) {
                    rnd.nextBytes(expect);
                    expectPos = 0;
                }
                boolean same = buf[i] == expect[expectPos++];
                if (!same && badFrom < 0) {
                    badFrom = total;
                } else if (same && badFrom >= 0) {
                    if (ranges++ < 20) {
                        System.out.println("MISMATCH " + badFrom + "-" + total + " (" + (total - badFrom) + " bytes)");
                    }
                    badFrom = -1;
                }
            }
        }
        if (badFrom >= 0) {
            System.out.println("MISMATCH " + badFrom + "-" + total + " (" + (total - badFrom) + " bytes)");
        }
        return "RECV " + total + " " + HexFormat.of().formatHex(md.digest());
    }
}
