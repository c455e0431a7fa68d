package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/**
 * Child process of {@link NetlinkPacketQueueIT}, run inside the test namespace.
 * {@code transfer N}: N connections from 127.0.0.2.. to 127.0.0.1:5001, 256 KiB each, checked
 * by SHA-256 at the server; prints "OK" and exits 0 if every byte arrived.
 * {@code probe}: one connect with a 2 s timeout; prints "BLOCKED" (exit 0) if it times out.
 */
public final class LoopbackTransfer {
    private static final int PORT = 5001;
    private static final int SIZE = 256 * 1024;

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", PORT));
            server.setSoTimeout(10_000);
            int code = "probe".equals(args[0]) ? probe() : transfer(server, Integer.parseInt(args[1]));
            System.out.flush();
            System.exit(code);
        }
    }

    private static int transfer(ServerSocket server, int connections) throws Exception {
        for (int i = 0; i < connections; i++) {
            byte[] data = new byte[SIZE];
            new Random(i).nextBytes(data);
            int srcHost = 2 + i % 200;
            Thread sender = new Thread(() -> send(data, srcHost));
            sender.start();
            byte[] got;
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                got = readAll(s.getInputStream());
            }
            sender.join(10_000);
            if (!Arrays.equals(sha256(data), sha256(got))) {
                System.out.println("MISMATCH connection " + i + ": " + got.length + " bytes");
                return 1;
            }
        }
        System.out.println("OK " + connections + " x " + SIZE + " bytes");
        return 0;
    }

    private static void send(byte[] data, int srcHost) {
        try (Socket c = new Socket()) {
            c.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + srcHost), 0));
            c.connect(new InetSocketAddress("127.0.0.1", PORT), 5_000);
            OutputStream out = c.getOutputStream();
            out.write(data);
            out.flush();
        } catch (IOException e) {
            System.out.println("SEND FAILED " + e);
        }
    }

    private static int probe() {
        try (Socket c = new Socket()) {
            c.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            c.connect(new InetSocketAddress("127.0.0.1", PORT), 2_000);
            System.out.println("CONNECTED");
            return 1;
        } catch (SocketTimeoutException e) {
            System.out.println("BLOCKED");
            return 0;
        } catch (IOException e) {
            System.out.println("FAILED " + e);
            return 2;
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
