package net.zcc.keyserver.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Hand-made TLS connections from a chosen loopback source address: the attacker's tools. */
final class Raw {

    private Raw() {
    }

    /** A TLS connection from {@code source} to the server, handshake done. */
    static SSLSocket connect(SSLContext ctx, InetAddress source, URI server) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.setSoTimeout(5_000);
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress(server.getHost(), server.getPort()), 5_000);
        s.startHandshake();
        return s;
    }

    /** POSTs {@code body} to {@code path} on a new connection and returns the whole answer as text. */
    static String post(SSLContext ctx, InetAddress source, URI server, String path, String body) throws IOException {
        try (SSLSocket s = connect(ctx, source, server)) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + server.getHost() + "\r\nContent-Type: text/xml\r\n"
                    + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            return new String(s.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
    }

    /** True if the server closed (or reset) the connection: a read ends or fails. */
    static boolean closedByServer(SSLSocket s) {
        try {
            s.setSoTimeout(200);
            InputStream in = s.getInputStream();
            while (true) {
                int n = in.read(new byte[4096]);
                if (n < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A loopback source address 127.a.b.c for attacker number {@code n} of group {@code group}. */
    static InetAddress source(int group, int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) group, (byte) (n / 250), (byte) (1 + n % 250)});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
