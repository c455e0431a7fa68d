package net.zcc.agent.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management endpoints' security claims (issue 12), each against a real Jolokia over real
 * TLS with real certificates: anonymous clients and other CAs' certificates get no connection; a
 * fleet certificate without a role gets 403; the monitoring identity cannot write or invoke;
 * nobody reaches DiagnosticCommand, HotSpotDiagnostic, an MLet, the JSR-160 proxy (JNDI) or a
 * write on java.*; the console invokes push and nothing else; without a policy file no Jolokia.
 */
class ManagementSecurityTest {
    @TempDir
    static Path dir;
    static SimulatedFleet fleet;
    static SimulatedFleet.Agent agent;
    static HttpClient console;
    static HttpClient monitor;

    @BeforeAll
    static void start() throws Exception {
        fleet = SimulatedFleet.start(1, dir);
        agent = fleet.agents().get(0);
        // An MLet in the agent's own domain: even there, nobody may invoke it.
        @SuppressWarnings("removal")
        Object mlet = new javax.management.loading.MLet();
        agent.mbeans().registerMBean(mlet, new ObjectName("zcc:type=MLet"));
        console = fleet.console().client();
        monitor = fleet.monitor().client();
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    static HttpResponse<String> get(HttpClient c, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(agent.url(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(HttpClient c, String path, String json) throws Exception {
        return c.send(HttpRequest.newBuilder(agent.url(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Jolokia answers HTTP 200 with its own status in the JSON. */
    static int status(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            return r.statusCode();
        }
        Matcher m = Pattern.compile("\"status\":(\\d+)").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Integer.parseInt(m.group(1));
    }

    @Test
    void anonymousAndOtherCasCertificatesGetNoConnection() throws Exception {
        // A client that trusts the agent but presents nothing: the TLS handshake fails (certificate required).
        javax.net.ssl.SSLContext noCert = javax.net.ssl.SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", fleet.ca().certificate());
        tmf.init(ts);
        noCert.init(null, tmf.getTrustManagers(), null);
        HttpClient anonymous = HttpClient.newBuilder().sslContext(noCert).build();
        for (String path : List.of("/jolokia/console/version", "/jolokia/monitor/version", "/metrics",
                "/jolokia/console/config")) {
            HttpClient a = anonymous;
            assertThrows(IOException.class, () -> get(a, path), path);
        }
        // A monitoring certificate from another CA (same OU, same name): refused at the handshake.
        try (SimulatedFleet other = SimulatedFleet.start(0, dir.resolve("other"))) {
            HttpClient stranger = HttpClient.newBuilder().sslContext(new SimulatedFleet.Identity(
                    other.monitor().key(), other.monitor().cert(), fleet.ca().certificate(), null, null, null)
                    .sslContext()).build();
            for (String path : List.of("/jolokia/monitor/version", "/metrics")) {
                assertThrows(IOException.class, () -> get(stranger, path), path);
            }
        }
    }

    @Test
    void aFleetCertificateWithoutARoleIsForbidden() throws Exception {
        HttpClient host = fleet.hostIdentity("some-host").client();
        for (String path : List.of("/jolokia/console/read/zcc:type=Agent", "/jolokia/monitor/read/zcc:type=Agent",
                "/metrics", "/jolokia/console/config", "/jolokia/monitor/config/read/zcc:type=Agent")) {
            assertEquals(403, get(host, path).statusCode(), path);
        }
        assertEquals(403, get(monitor, "/jolokia/console/read/zcc:type=Agent").statusCode(),
                "the monitoring identity is not the console");
    }

    @Test
    void theMonitoringIdentityReadsZccAndJavaLangButNeverWritesOrInvokes() throws Exception {
        assertEquals(200, status(get(monitor, "/jolokia/monitor/read/zcc:type=Agent/HostKeyId")));
        assertTrue(get(monitor, "/jolokia/monitor/read/zcc:type=Agent/HostKeyId").body().contains(agent.keyId()));
        assertEquals(200, status(get(monitor, "/jolokia/monitor/read/java.lang:type=Memory/HeapMemoryUsage")));
        assertEquals(403, status(post(monitor, "/jolokia/monitor", "{\"type\":\"exec\",\"mbean\":\"zcc:type=Services\","
                + "\"operation\":\"push\",\"arguments\":[99,\"<services version=\\\"1\\\"/>\"]}")));
        assertEquals(403, status(get(monitor, "/jolokia/monitor/exec/java.lang:type=Memory/gc")));
        assertEquals(403, status(post(monitor, "/jolokia/monitor", "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\","
                + "\"attribute\":\"Verbose\",\"value\":true}")));
        assertEquals(0, agent.reloader().centralRevision(), "nothing was pushed");
    }

    @Test
    void nobodyReachesDiagnosticCommandHotSpotDiagnosticOrAnMLet() throws Exception {
        for (HttpClient c : List.of(console, monitor)) {
            String ep = c == console ? "/jolokia/console" : "/jolokia/monitor";
            HttpResponse<String> diag = get(c, ep + "/read/com.sun.management:type=DiagnosticCommand");
            assertTrue(status(diag) != 200 || diag.body().contains("\"value\":{}"), "nothing read: " + diag.body());
            assertNotEquals(200, status(post(c, ep, "{\"type\":\"exec\",\"mbean\":"
                    + "\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmSystemProperties\"}")));
            assertNotEquals(200, status(post(c, ep, "{\"type\":\"exec\",\"mbean\":"
                    + "\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\","
                    + "\"arguments\":[\"/tmp/zcc-heap.hprof\",true]}")));
            assertNotEquals(200, status(post(c, ep, "{\"type\":\"exec\",\"mbean\":\"zcc:type=MLet\","
                    + "\"operation\":\"getMBeansFromURL(java.lang.String)\",\"arguments\":[\"http://127.0.0.1:1/x\"]}")));
            assertNotEquals(200, status(post(c, ep, "{\"type\":\"write\",\"mbean\":\"java.lang:type=ClassLoading\","
                    + "\"attribute\":\"Verbose\",\"value\":true}")));
            String list = get(c, ep + "/list").body();
            assertFalse(list.contains("DiagnosticCommand") || list.contains("HotSpotDiagnostic")
                    || list.contains("\"com.sun.management\":") || list.contains("\"jolokia\":")
                    || list.contains("\"JMImplementation\":"), list);
            String search = get(c, ep + "/search/*:*").body();
            assertFalse(search.contains("com.sun.management") || search.contains("JMImplementation"), search);
        }
        assertFalse(new java.io.File("/tmp/zcc-heap.hprof").exists(), "no heap dump was written");
    }

    @Test
    void noJsr160ProxyNoJndiLookup() throws Exception {
        try (ServerSocket trap = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            trap.setSoTimeout(1500);
            String target = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + trap.getLocalPort() + "/jmxrmi";
            HttpResponse<String> r = post(console, "/jolokia/console", "{\"type\":\"read\",\"mbean\":"
                    + "\"java.lang:type=Memory\",\"attribute\":\"HeapMemoryUsage\",\"target\":{\"url\":\"" + target + "\"}}");
            assertEquals(200, r.statusCode());
            assertThrows(java.net.SocketTimeoutException.class, trap::accept, "the agent never connected: " + r.body());
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.jolokia.service.jsr160.Jsr160RequestHandler"));
    }

    @Test
    void theConsolePushesAndReadsButInvokesNothingElse() throws Exception {
        String doc = "<services version=\\\"1\\\"><service name=\\\"web\\\" host=\\\"198.18.0.9\\\" port=\\\"8080\\\""
                + " type=\\\"server\\\" scheme=\\\"aes-256\\\" encrypt=\\\"true\\\"/></services>";
        HttpResponse<String> r = post(console, "/jolokia/console", "{\"type\":\"exec\",\"mbean\":\"zcc:type=Services\","
                + "\"operation\":\"push\",\"arguments\":[5,\"" + doc + "\"]}");
        assertEquals(200, status(r), r.body());
        assertTrue(r.body().contains("\"accepted\":true"), r.body());
        assertEquals(5, agent.reloader().centralRevision());
        String effective = get(console, "/jolokia/console/read/zcc:type=Services/EffectiveServices").body();
        assertTrue(effective.contains("\"origin\":\"central\"") && effective.contains("\"name\":\"web\""), effective);
        r = post(console, "/jolokia/console", "{\"type\":\"exec\",\"mbean\":\"zcc:type=Services\","
                + "\"operation\":\"push\",\"arguments\":[5,\"" + doc + "\"]}");
        assertTrue(r.body().contains("\"accepted\":false"), "an equal revision is refused: " + r.body());
        assertEquals(403, status(get(console, "/jolokia/console/exec/java.lang:type=Memory/gc")));
        assertEquals(403, status(post(console, "/jolokia/console", "{\"type\":\"write\",\"mbean\":\"zcc:type=Agent\","
                + "\"attribute\":\"HostKeyId\",\"value\":\"x\"}")));
    }

    @Test
    void withoutAPolicyFileTheAgentServesNoJolokia() throws Exception {
        try (SimulatedFleet bare = SimulatedFleet.start(1, dir.resolve("bare"), null, null)) {
            SimulatedFleet.Agent a = bare.agents().get(0);
            HttpClient c = bare.console().client();
            HttpClient m = bare.monitor().client();
            for (String path : List.of("/jolokia/console/version", "/jolokia/monitor/version", "/jolokia/version")) {
                assertEquals(404, c.send(HttpRequest.newBuilder(a.url(path)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), path);
            }
            assertEquals(200, m.send(HttpRequest.newBuilder(a.url("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "Prometheus is not Jolokia");
        }
    }

    @Test
    void aMissingPolicyFileStopsTheStartWithItsName() {
        Path missing = dir.resolve("no-such-policy.xml");
        Exception e = assertThrows(Exception.class,
                () -> SimulatedFleet.start(1, dir.resolve("missing"), missing, null).close());
        assertTrue(String.valueOf(e.getMessage()).contains("no-such-policy.xml"), e.getMessage());
    }
}
