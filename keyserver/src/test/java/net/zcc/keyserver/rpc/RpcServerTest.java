package net.zcc.keyserver.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The endpoint's normal behaviour over real TLS: calls, faults for bad calls, no plain HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RpcServerTest {

    private static RpcServer server;
    private static XmlRpcClient client;

    @BeforeAll
    static void start() throws Exception {
        server = RpcServer.withHealth(TestTls.keyStore(), TestTls.PASSWORD, 0);
        server.start();
        client = RpcClients.xmlRpc(server.uri());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void pingAnswersPong() throws Exception {
        assertEquals("pong", client.execute("Health.ping", new Object[0]));
        assertEquals("127.0.0.1", server.uri().getHost());
    }

    @Test
    void echoRoundTripsUtf8() throws Exception {
        assertEquals("héllo ✓", client.execute("Health.echo", new Object[] {"héllo ✓"}));
    }

    @Test
    void unknownMethodIsAFault() throws Exception {
        XmlRpcException e = assertThrows(XmlRpcException.class, () -> client.execute("Keys.dump", new Object[0]));
        assertTrue(e.getMessage().contains("no such method"), e.getMessage());
        assertEquals("pong", client.execute("Health.ping", new Object[0]));
    }

    @Test
    void wrongParameterTypesAreAFault() throws Exception {
        assertThrows(XmlRpcException.class, () -> client.execute("Health.echo", new Object[] {42}));
        assertThrows(XmlRpcException.class, () -> client.execute("Health.echo", new Object[] {"a", "b"}));
        assertThrows(XmlRpcException.class, () -> client.execute("Health.echo", new Object[] {new Object[] {"a"}}));
        assertEquals("pong", client.execute("Health.ping", new Object[0]));
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() throws Exception {
        String ping = "<?xml version=\"1.0\"?><methodCall><methodName>Health.ping</methodName></methodCall>";
        String request = "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: "
                + ping.length() + "\r\nConnection: close\r\n\r\n" + ping;
        String reply = exchange(request.getBytes(StandardCharsets.US_ASCII));
        assertFalse(reply.startsWith("HTTP/"), reply);
        assertFalse(reply.contains("pong"), reply);
        assertEquals("pong", client.execute("Health.ping", new Object[0]));
    }

    /** Writes bytes on a plain socket and reads until EOF, reset or a bounded wait. */
    private static String exchange(byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(RpcServer.HOST, server.port()), 5_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) != -1; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // A reset or silence is an acceptable refusal; what was read so far is checked.
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
