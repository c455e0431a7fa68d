package net.zcc.keyserver.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLSocket;
import net.zcc.contract.relay.RelayWire;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.testing.TlsClients;

/**
 * The fleet's own traffic during an attack, each kind timed: host A looks up B's key, A sends B a
 * relay message and B polls it, an admin lists the hosts, and host A opens a brand-new mutual-TLS
 * connection (the handshake that the slow-body attack used to starve). Failures are kept.
 */
final class Probes {

    private final KeyServer server;
    private final Fleet.Member a;
    private final Fleet.Member b;
    private final HttpClient admin;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, List<Long>> micros = new TreeMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private int idleConnections = -1;
    private int idleBusy = -1;

    Probes(KeyServer server, Fleet.Member a, Fleet.Member b, HttpClient admin) {
        this.server = server;
        this.a = a;
        this.b = b;
        this.admin = admin;
    }

    private long lastHandshake;

    /**
     * One of each probe; the fresh handshake at most every 200 ms, as a host opens connections
     * (a source opening more than 32 a second is refused by the per-source rate, hosts included).
     */
    void round() {
        time("lookup", this::lookup);
        time("relay", this::relay);
        time("admin", this::adminCall);
        if (System.nanoTime() - lastHandshake > 200_000_000L) {
            lastHandshake = System.nanoTime();
            time("handshake", this::handshake);
        }
    }

    void reset() {
        micros.clear();
        failures.clear();
        if (idleConnections < 0) {
            idleConnections = server.connectionGuard().connections();
            idleBusy = server.threadPool().getBusyThreads();
        }
    }

    /** Connections of the probes' own clients (A, B, admin), measured once after warm-up. */
    int idleConnections() {
        return Math.max(idleConnections, 0);
    }

    /** Busy pool threads when nothing is going on (acceptor, selector), measured once after warm-up. */
    int idleBusy() {
        return Math.max(idleBusy, 0);
    }

    String summary() {
        StringBuilder sb = new StringBuilder();
        for (var e : micros.entrySet()) {
            List<Long> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            sb.append(String.format("%s n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms; ", e.getKey(), v.size(),
                    pct(v, 50) / 1000.0, pct(v, 99) / 1000.0, v.get(v.size() - 1) / 1000.0));
        }
        return sb + (failures.isEmpty() ? "no failures" : failures.size() + " FAILURES " + failures.subList(0,
                Math.min(3, failures.size())));
    }

    void assertWithin(long p99LimitMs) {
        assertEquals(List.of(), failures, "every probe succeeded");
        for (var e : micros.entrySet()) {
            List<Long> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            assertTrue(v.size() >= 3, e.getKey() + " ran");
            assertTrue(pct(v, 99) < p99LimitMs * 1000, e.getKey() + " p99 " + pct(v, 99) / 1000 + " ms");
        }
    }

    private interface Probe {
        void run() throws Exception;
    }

    private void time(String name, Probe p) {
        long t0 = System.nanoTime();
        try {
            p.run();
        } catch (Exception | AssertionError e) {
            failures.add(name + ": " + e);
        }
        micros.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1000);
    }

    private void lookup() throws Exception {
        String xml = "<?xml version=\"1.0\"?><methodCall><methodName>Keys.lookup</methodName><params>"
                + "<param><value>" + b.address + "</value></param><param><value>x25519</value></param>"
                + "</params></methodCall>";
        HttpResponse<String> r = TlsClients.postXml(a.http, server.rpcUri(), xml);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(Base64.getEncoder().encodeToString(b.x25519)), r.body());
    }

    private void relay() throws Exception {
        byte[] message = new byte[48];
        random.nextBytes(message);
        URI base = server.baseUri();
        HttpResponse<Void> sent = a.http.send(HttpRequest.newBuilder(base.resolve(RelayWire.sendPath(b.id)))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofByteArray(
                        RelayWire.sendBody(a.x25519, message))).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(204, sent.statusCode(), "A's send to B");
        HttpResponse<byte[]> polled = b.http.send(HttpRequest.newBuilder(base.resolve(RelayWire.POLL_PATH))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, polled.statusCode());
        boolean found = RelayWire.decode(polled.body()).stream()
                .anyMatch(f -> java.util.Arrays.equals(f.message(), message));
        assertTrue(found, "B got A's message");
    }

    private void adminCall() throws Exception {
        String xml = "<?xml version=\"1.0\"?><methodCall><methodName>Admin.hosts</methodName><params/></methodCall>";
        HttpResponse<String> r = TlsClients.postXml(admin, server.rpcUri(), xml);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(a.id.hex()) && !r.body().contains("<fault>"), r.body());
    }

    private void handshake() throws Exception {
        try (SSLSocket s = Raw.connect(a.ctx, java.net.InetAddress.getByName("127.0.0.1"), server.baseUri())) {
            assertTrue(s.getSession().getPeerCertificates().length > 0);
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
