package net.zcc.keyserver.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile requests (STACK-NOTES 2, issue 4 "Bad input"): each is refused with a fault or an HTTP
 * error, and after each one {@link #stillServing()} proves with a real client that the server works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcHostileInputTest {

    private static final String EX_NS = "http://ws.apache.org/xmlrpc/namespaces/extensions";
    private static final int TEN_MB = 10 * 1024 * 1024;

    private static RpcServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = RpcServer.withHealth(TestTls.keyStore(), TestTls.PASSWORD, 0);
        server.start();
        http = RpcClients.raw();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Every hostile request must leave the server answering. */
    @AfterEach
    void stillServing() throws Exception {
        assertEquals("pong", RpcClients.xmlRpc(server.uri()).execute("Health.ping", new Object[0]));
    }

    @Test
    void fileEntityIsNotExpanded() throws Exception {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE methodCall [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
                + call("Health.echo", "<value><string>&x;</string></value>");
        HttpResponse<String> r = post(xml);
        assertFault(r, "DOCTYPE");
        Path hostname = Path.of("/etc/hostname");
        if (Files.isReadable(hostname)) {
            String secret = Files.readString(hostname).trim();
            if (!secret.isEmpty()) {
                assertFalse(r.body().contains(secret), "file content echoed: " + r.body());
            }
        }
    }

    @Test
    void externalDtdIsNeverFetched() throws Exception {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            probe.configureBlocking(false);
            String url = "http://127.0.0.1:" + probe.socket().getLocalPort();
            assertFault(post("<?xml version=\"1.0\"?><!DOCTYPE methodCall SYSTEM \"" + url + "/x.dtd\">"
                    + call("Health.ping", "")), "DOCTYPE");
            assertFault(post("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY % p SYSTEM \"" + url + "/p.dtd\"> %p;]>"
                    + call("Health.ping", "")), "DOCTYPE");
            // A fetch would have happened during the parse, before the reply: a completed TCP
            // handshake would now sit in the backlog.
            assertNull(probe.accept(), "the server connected to the probe");
        }
    }

    @Test
    void serializableExtensionIsNotDeserialised() throws Exception {
        // rO0ABXQAA2Zvbw== is a Java-serialised String "foo"; echo would return it if it were read.
        HttpResponse<String> r = post("<?xml version=\"1.0\"?><methodCall xmlns:ex=\"" + EX_NS + "\">"
                + "<methodName>Health.echo</methodName><params><param><value>"
                + "<ex:serializable>rO0ABXQAA2Zvbw==</ex:serializable></value></param></params></methodCall>");
        assertFault(r, "");
        assertFalse(r.body().contains(">foo<"), r.body());
    }

    @Test
    void otherExtensionTypesAreRefused() throws Exception {
        for (String value : List.of("<ex:nil/>", "<ex:i8>5</ex:i8>", "<ex:dom><a/></ex:dom>", "<nil/>")) {
            HttpResponse<String> r = post("<?xml version=\"1.0\"?><methodCall xmlns:ex=\"" + EX_NS + "\">"
                    + "<methodName>Health.echo</methodName><params><param><value>" + value
                    + "</value></param></params></methodCall>");
            assertFault(r, "");
        }
    }

    @Test
    void declaredTenMegabytesGet413BeforeTheBodyIsSent() throws Exception {
        // Headers only: the 413 must come back although not one body byte was sent, which shows
        // the refusal happens before reading, let alone parsing.
        try (SSLSocket s = (SSLSocket) TestTls.clientContext().getSocketFactory()
                .createSocket(RpcServer.HOST, server.port())) {
            s.setSoTimeout((int) RpcClients.TIMEOUT.toMillis());
            s.getOutputStream().write(("POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                    + "Content-Length: " + TEN_MB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertEquals("HTTP/1.1 413 Payload Too Large", status);
        }
    }

    @Test
    void tenMegabytesWithContentLengthAreRefused() throws Exception {
        byte[] big = bigCall();
        assertTooLarge(() -> RpcClients.post(http, server.uri(), HttpRequest.BodyPublishers.ofByteArray(big)));
    }

    @Test
    void tenMegabytesChunkedAreRefused() throws Exception {
        // No Content-Length: the servlet has to count the bytes.
        byte[] big = bigCall();
        assertTooLarge(() -> RpcClients.post(http, server.uri(),
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    }

    @Test
    void gzipBombIsCountedAfterDecoding() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(bigCall());
        }
        assertTrue(zipped.size() < RpcLimits.DEFAULT.maxRequestBytes(), "the bomb must pass the raw limit");
        HttpRequest req = HttpRequest.newBuilder(server.uri()).timeout(RpcClients.TIMEOUT)
                .header("Content-Type", "text/xml").header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build();
        assertEquals(413, http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void deepNestingIsRefusedWhileParsing() throws Exception {
        // 1,000 levels fit in the 64 KiB limit, so the depth limit has to catch them.
        assertFault(post(call("Health.echo", nested(1_000))), "nested deeper");
    }

    @Test
    void tenThousandLevelsAreRefusedEvenWithRoomForThem() throws Exception {
        // 10,000 levels are ~430 KB: on the default server the size limit stops them first, so a
        // second server with a 1 MiB limit shows the depth limit alone.
        assertTooLarge(() -> post(call("Health.echo", nested(10_000))));
        try (RpcServer roomy = new RpcServer(TestTls.keyStore(), TestTls.PASSWORD, 0,
                new RpcLimits(1024 * 1024, 16), List.of(RpcHandlers.HEALTH))) {
            roomy.start();
            assertFault(RpcClients.post(http, roomy.uri(), call("Health.echo", nested(10_000))), "nested deeper");
            assertEquals("pong", RpcClients.xmlRpc(roomy.uri()).execute("Health.ping", new Object[0]));
        }
    }

    @Test
    void nestingWithinTheLimitReachesTheMethodLookup() throws Exception {
        HttpResponse<String> r = post(call("Health.echo", nested(RpcLimits.DEFAULT.maxValueDepth() - 1)));
        assertFault(r, "wrong number or types of arguments");
    }

    @Test
    void malformedXmlIsAFault() throws Exception {
        assertFault(post("<methodCall><methodName>Health.ping</methodName>"), "");
        assertFault(post("not xml at all"), "");
    }

    private static HttpResponse<String> post(String xml) throws Exception {
        return RpcClients.post(http, server.uri(), xml);
    }

    private static String call(String method, String param) {
        String params = param.isEmpty() ? "" : "<params><param>" + param + "</param></params>";
        return "<methodCall><methodName>" + method + "</methodName>" + params + "</methodCall>";
    }

    /** {@code levels} nested arrays around a string, as one parameter value. */
    private static String nested(int levels) {
        StringBuilder b = new StringBuilder();
        b.append("<value><array><data>".repeat(levels));
        b.append("<value><string>x</string></value>");
        b.append("</data></array></value>".repeat(levels));
        return b.toString();
    }

    /** A well-formed call of about 10 MB: one long string parameter. */
    private static byte[] bigCall() {
        return call("Health.echo", "<value><string>" + "A".repeat(TEN_MB) + "</string></value>")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Asserts HTTP 413, or a connection the server closed while the client was still sending the
     * rest of a body it had already refused (the client then never reads the 413; a race).
     */
    private static void assertTooLarge(Callable<HttpResponse<String>> send) throws Exception {
        try {
            assertEquals(413, send.call().statusCode());
        } catch (IOException closedWhileSending) {
            assertFalse(closedWhileSending instanceof java.net.http.HttpTimeoutException, "timed out instead");
        }
    }

    /** A clean XML-RPC fault: HTTP 200, a fault element, no Java stack trace or class dump. */
    private static void assertFault(HttpResponse<String> r, String expected) {
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("<fault>"), r.body());
        assertTrue(r.body().contains(expected), r.body());
        assertFalse(r.body().contains("faultCause"), r.body());
        assertFalse(r.body().contains("\tat "), r.body());
    }
}
