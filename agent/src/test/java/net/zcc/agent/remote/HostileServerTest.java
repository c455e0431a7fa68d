package net.zcc.agent.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.zcc.contract.xml.HardenedSax;
import net.zcc.keyserver.ca.FleetCa;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcClientConfigImpl;
import org.apache.xmlrpc.common.TypeFactoryImpl;
import org.apache.xmlrpc.parser.XmlRpcResponseParser;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;
import org.xml.sax.XMLReader;

/**
 * The client against a hostile "key server": a plain Jetty over TLS (certificate from a test CA)
 * answering with Java-serialised payloads (CVE-2019-17570), extension types and a DOCTYPE. Every
 * answer must end as a plain error with nothing deserialised; a server certificate of another CA
 * or for another address is refused before any request is sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileServerTest {

    private static final String PW = "test-only-pw";
    private static final String EXTENSIONS = "http://ws.apache.org/xmlrpc/namespaces/extensions";

    /** Records that it was deserialised: what a gadget chain would do instead. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicBoolean TRIPPED = new AtomicBoolean();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            TRIPPED.set(true);
        }
    }

    @TempDir
    Path tmp;
    private FleetCa ca;
    private Server jetty;
    private volatile String answer;
    /** Answer with headers and part of the body, then stall. */
    private volatile boolean stall;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void caAndPayload() throws Exception {
        ca = FleetCa.openOrCreate(tmp.resolve("ca"));
        Tripwire.TRIPPED.set(false);
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
    }

    @Test
    void aFaultCarryingASerialisedObjectIsCodeAndTextOnly() throws Exception {
        answer = fault("<member><name>faultCause</name><value><base64>" + tripwire() + "</base64></value></member>");
        KeyServerFault f = assertThrows(KeyServerFault.class, () -> lookup(start(serverKeys(ca, "127.0.0.1"))));
        assertEquals("hostile says no", f.faultString());
        assertFalse(Tripwire.TRIPPED.get(), "the fault cause was deserialised");
        assertEquals(1, requests.get());
        assertPayloadIsLive();
        assertStockParserWouldDeserialise(answer);
    }

    @Test
    void extensionTypesAreRefusedEverywhere() throws Exception {
        String serializable = "<ex:serializable xmlns:ex=\"" + EXTENSIONS + "\">" + tripwire() + "</ex:serializable>";
        List<String> answers = List.of(
                fault("<member><name>faultCause</name><value>" + serializable + "</value></member>"),
                "<?xml version=\"1.0\"?><methodResponse><params><param><value>" + serializable
                        + "</value></param></params></methodResponse>",
                "<?xml version=\"1.0\"?><methodResponse><params><param><value><ex:nil xmlns:ex=\"" + EXTENSIONS
                        + "\"/></value></param></params></methodResponse>",
                "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x \"y\">]><methodResponse><params><param><value>"
                        + "<string>&x;</string></value></param></params></methodResponse>");
        URI url = start(serverKeys(ca, "127.0.0.1"));
        for (String a : answers) {
            answer = a;
            IOException e = assertThrows(IOException.class, () -> lookup(url), a);
            assertFalse(e instanceof KeyServerFault, "refused as malformed, not read as a fault: " + e);
            assertTrue(e.getMessage().contains("malformed response"), e.getMessage());
        }
        assertFalse(Tripwire.TRIPPED.get(), "an ex:serializable value was deserialised");
        assertPayloadIsLive();
    }

    @Test
    void aServerCertificateOfAnotherCaIsRefused() throws Exception {
        FleetCa other = FleetCa.openOrCreate(tmp.resolve("other-ca"));
        answer = "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>"
                + Base64.getEncoder().encodeToString(new byte[32]) + "</string></value></param></params></methodResponse>";
        URI url = start(serverKeys(other, "127.0.0.1"));
        IOException e = assertThrows(IOException.class, () -> lookup(url));
        assertFalse(e instanceof KeyServerFault, e.toString());
        assertEquals(0, requests.get(), "no request reached a server we do not trust");
    }

    @Test
    void aServerCertificateForAnotherAddressIsRefused() throws Exception {
        answer = "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>x</string></value></param>"
                + "</params></methodResponse>";
        URI url = start(serverKeys(ca, "198.18.0.1"));
        assertThrows(IOException.class, () -> lookup(url));
        assertEquals(0, requests.get(), "host name check: a fleet certificate for 198.18.0.1 is not 127.0.0.1's");
    }

    @Test
    void aServerStallingMidBodyIsGivenUpOnWithinTheDeadline() throws Exception {
        stall = true;
        URI url = start(serverKeys(ca, "127.0.0.1"));
        AgentIdentity id = AgentIdentity.createOrUpdate(tmp.resolve("id"), url, ca.certificate());
        Duration bound = Duration.ofMillis(800);
        try (KeyServerClient client = KeyServerClient.anonymous(id, bound, bound)) {
            long t0 = System.nanoTime();
            IOException rpc = assertThrows(IOException.class,
                    () -> client.peerDirectory().lookup(InetAddress.getByName("198.18.0.7")));
            assertWithin(t0, bound, rpc);
            assertFalse(rpc instanceof KeyServerFault, rpc.toString());

            t0 = System.nanoTime();
            IOException send = assertThrows(IOException.class,
                    () -> client.relayTransport().send(id.staticKey(), new byte[] {1, 2, 3}));
            assertWithin(t0, bound, send);

            // The poll loop: each stalled poll ends at the deadline and the loop polls again.
            int before = requests.get();
            client.relayTransport().start((from, m) -> { });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (requests.get() < before + 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(requests.get() >= before + 3, "the poll loop is not stuck on a stalled answer: "
                    + (requests.get() - before) + " polls");
        }
        assertEquals(0, KeyServerClientEndToEndTest.pollThreads(), "close() ends the poll thread");
    }

    @Test
    void anOversizedAnswerIsRefused() throws Exception {
        answer = "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>"
                + "A".repeat(HttpClientTransport.MAX_RESPONSE_BYTES) + "</string></value></param></params></methodResponse>";
        IOException e = assertThrows(IOException.class, () -> lookup(start(serverKeys(ca, "127.0.0.1"))));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    private static void assertWithin(long t0, Duration bound, IOException e) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < bound.toMillis() + 3_000, "gave up after " + ms + " ms, bound " + bound.toMillis() + " ms");
        assertTrue(e.getMessage().contains("within " + bound.toMillis() + " ms"), e.getMessage());
    }

    /** The same bytes, read by a stream with everything allowed, do trip the wire: the test is not vacuous. */
    private static void assertPayloadIsLive() throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(tripwire())))) {
            in.setObjectInputFilter(info -> ObjectInputFilter.Status.ALLOWED);
            assertInstanceOf(Tripwire.class, in.readObject());
        }
        assertTrue(Tripwire.TRIPPED.getAndSet(false));
    }

    /** The library's own parser on the same answer runs readObject on faultCause: the CVE this guards against. */
    private static void assertStockParserWouldDeserialise(String xml) throws Exception {
        assumeTrue(ObjectInputFilter.Config.getSerialFilter() == null, "a JVM-wide filter would hide the CVE here");
        XmlRpcClient library = new XmlRpcClient();
        XmlRpcResponseParser stock = new XmlRpcResponseParser(new XmlRpcClientConfigImpl(), new TypeFactoryImpl(library));
        XMLReader reader = HardenedSax.newReader();
        reader.setContentHandler(stock);
        reader.parse(new InputSource(new StringReader(xml)));
        assertTrue(Tripwire.TRIPPED.getAndSet(false), "the stock parser deserialises a fault's faultCause");
    }

    private Object lookup(URI url) throws Exception {
        AgentIdentity id = AgentIdentity.createOrUpdate(tmp.resolve("id"), url, ca.certificate());
        try (KeyServerClient client = KeyServerClient.anonymous(id)) {
            return client.peerDirectory().lookup(InetAddress.getByName("198.18.0.7"));
        }
    }

    private static String fault(String extraMember) {
        return "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
                + "<member><name>faultCode</name><value><i4>7</i4></value></member>"
                + "<member><name>faultString</name><value><string>hostile says no</string></value></member>"
                + extraMember + "</struct></value></fault></methodResponse>";
    }

    private static String tripwire() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Tripwire());
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static KeyStore serverKeys(FleetCa issuer, String address) throws Exception {
        return issuer.newServerKeyStore("server", PW.toCharArray(), List.of(InetAddress.getByName(address)), List.of(),
                Duration.ofDays(1));
    }

    /** Starts Jetty on 127.0.0.1 with {@code keys}; it answers every request with {@link #answer}. */
    private URI start(KeyStore keys) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys);
        tls.setKeyStorePassword(PW);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty, tls, new HttpConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                requests.incrementAndGet();
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/xml");
                if (stall) {
                    // Headers and the start of a 10 000-byte body, then nothing: the callback is never
                    // completed, so the exchange stays open until the client gives up (or Jetty stops).
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 10_000);
                    response.write(false, ByteBuffer.wrap("<?xml version=\"1.0\"?><methodResp".getBytes(
                            StandardCharsets.US_ASCII)), Callback.NOOP);
                    return true;
                }
                Content.Sink.write(response, true, answer, callback);
                return true;
            }
        });
        jetty.start();
        return URI.create("https://127.0.0.1:" + connector.getLocalPort());
    }
}
