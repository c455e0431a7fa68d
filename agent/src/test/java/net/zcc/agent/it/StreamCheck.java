package net.zcc.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/**
 * A real TCP client and server for namespace tests, run as its own process inside a namespace.
 *
 * <pre>
 * server ADDR PORT           accept connections one after another; for each print "RECV bytes sha256"
 * client ADDR PORT STOPFILE  send seeded random data, about 2 MB/s, until STOPFILE exists;
 *                            then print "SENT bytes sha256" and close
 * bulk ADDR PORT BYTES KIND  send BYTES as fast as TCP goes (KIND random or text, the text
 *                            repeating {@link #MARKER}); print "SENT bytes sha256"
 * connect ADDR PORT          connect and close; print "CONNECTED ms" or "FAILED ms reason"
 * </pre>
 * The pacing keeps the load bounded; the checksum proves no byte was lost, added or changed.
 */
public final class StreamCheck {
    private StreamCheck() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        switch (args[0]) {
            case "server" -> serve(at);
            case "bulk" -> bulk(at, Long.parseLong(args[3]), args[4].equals("text"));
            case "connect" -> connect(at, 10_000);
            case "connect-timeout" -> connect(at, Integer.parseInt(args[3]));
            default -> send(at, Path.of(args[3]));
        }
    }

    /** Plaintext that must never be seen on the wire of a protected service. */
    static final String MARKER = "ZCC-PLAINTEXT-MARKER ";

    private static void bulk(InetSocketAddress at, long bytes, boolean text) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[65536];
        if (text) {
            byte[] m = (MARKER + "the quick brown fox jumps over the lazy dog 0123456789\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = m[i % m.length];
            }
        } else {
            new Random(7).nextBytes(chunk);
        }
        long total = 0;
        try (Socket s = new Socket()) {
            s.connect(at, 5000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            while (total < bytes) {
                int n = (int) Math.min(chunk.length, bytes - total);
                out.write(chunk, 0, n);
                md.update(chunk, 0, n);
                total += n;
            }
            s.shutdownOutput();
            s.getInputStream().read();
        }
        System.out.println("SENT " + total + " " + HexFormat.of().formatHex(md.digest()));
    }

    private static void connect(InetSocketAddress at, int timeoutMs) {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(at, timeoutMs);
            System.out.println("CONNECTED " + (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            System.out.println("FAILED " + (System.nanoTime() - t0) / 1_000_000 + " " + e.getMessage());
        }
    }

    private static void serve(InetSocketAddress at) throws Exception {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(at);
            System.out.println("LISTENING");
            System.out.flush();
            while (true) {
                try (Socket s = ss.accept(); InputStream in = s.getInputStream()) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[65536];
                    long total = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                        total += n;
                    }
                    System.out.println("RECV " + total + " " + HexFormat.of().formatHex(md.digest()));
                    System.out.flush();
                } catch (IOException e) {
                    System.out.println("ERROR " + e.getMessage());
                    System.out.flush();
                }
            }
        }
    }

    private static void send(InetSocketAddress at, Path stop) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Random rnd = new Random(42);
        byte[] chunk = new byte[8192];
        long total = 0;
        try (Socket s = new Socket()) {
            s.connect(at, 5000);
            System.out.println("CONNECTED");
            System.out.flush();
            OutputStream out = s.getOutputStream();
            long deadline = System.nanoTime() + 600_000_000_000L; // hard bound: 10 minutes
            while (!Files.exists(stop) && System.nanoTime() < deadline) {
                rnd.nextBytes(chunk);
                out.write(chunk);
                md.update(chunk);
                total += chunk.length;
                Thread.sleep(4); // about 2 MB/s: a steady stream, not a load test
            }
            out.flush();
            s.shutdownOutput();
            s.getInputStream().read(); // wait for the server's close, so its RECV line is written
        }
        System.out.println("SENT " + total + " " + HexFormat.of().formatHex(md.digest()));
    }
}
