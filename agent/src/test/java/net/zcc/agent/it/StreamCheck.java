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
 * </pre>
 * The pacing keeps the load bounded; the checksum proves no byte was lost, added or changed.
 */
public final class StreamCheck {
    private StreamCheck() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        if (args[0].equals("server")) {
            serve(at);
        } else {
            send(at, Path.of(args[3]));
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
