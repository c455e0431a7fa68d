package net.zcc.agent.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds many open TCP connections, for measuring the agent's memory per connection.
 *
 * <pre>
 * server ADDR PORT              accept and hold every connection; echo one byte back
 * client ADDR PORT N STOPFILE   open N connections, exchange one byte on each, print "OPEN n",
 *                               hold them until STOPFILE exists (at most 10 minutes)
 * </pre>
 */
public final class ManyConnections {
    private ManyConnections() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        if (args[0].equals("server")) {
            serve(at);
        } else {
            hold(at, Integer.parseInt(args[3]), Path.of(args[4]));
        }
    }

    private static void serve(InetSocketAddress at) throws Exception {
        List<SocketChannel> held = new ArrayList<>();
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            ss.bind(at, 4096);
            System.out.println("LISTENING");
            System.out.flush();
            while (true) {
                SocketChannel c = ss.accept();
                ByteBuffer b = ByteBuffer.allocate(1);
                c.read(b);
                b.flip();
                c.write(b);
                held.add(c);
            }
        }
    }

    private static void hold(InetSocketAddress at, int n, Path stop) throws Exception {
        List<SocketChannel> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SocketChannel c = SocketChannel.open(at);
            c.write(ByteBuffer.wrap(new byte[] {1}));
            ByteBuffer b = ByteBuffer.allocate(1);
            if (c.read(b) != 1) {
                throw new IllegalStateException("connection " + i + " got no echo");
            }
            held.add(c);
        }
        System.out.println("OPEN " + held.size());
        System.out.flush();
        long end = System.nanoTime() + 600_000_000_000L;
        while (!Files.exists(stop) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        for (SocketChannel c : held) {
            c.close();
        }
    }
}
