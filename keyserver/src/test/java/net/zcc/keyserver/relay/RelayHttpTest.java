package net.zcc.keyserver.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The servlets on a plain-HTTP Jetty (TLS is RpcServer's job): long-polls, sends, and 1,000 waiters. */
class RelayHttpTest {

    /** Tests only: the requester's key id from a header; production reads the client certificate. */
    static final RequesterId HEADER = req -> {
        String h = req.getHeader("X-Test-Key-Id");
        try {
            return h == null ? Optional.empty() : Optional.of(new KeyId(h));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    };

    private Server server;
    private QueuedThreadPool threads;
    private ExecutorService clientPool;
    private HttpClient client;
    private URI base;

    void start(Relay relay, Duration pollTimeout) throws Exception {
        threads = new QueuedThreadPool(32, 4); // as RpcServer
        server = new Server(threads);
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setAcceptQueueSize(1024);
        c.setIdleTimeout(30_000);
        server.addConnector(c);
        ServletContextHandler ctx = new ServletContextHandler();
        ServletHolder poll = new ServletHolder(new RelayPollServlet(relay, HEADER, Clock.systemUTC(), pollTimeout));
        poll.setAsyncSupported(true);
        ctx.addServlet(poll, "/relay/poll");
        ctx.addServlet(new ServletHolder(new RelaySendServlet(relay, HEADER, Clock.systemUTC())), "/relay/send/*");
        server.setHandler(ctx);
        server.start();
        base = URI.create("http://127.0.0.1:" + c.getLocalPort());
        clientPool = Executors.newFixedThreadPool(4);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientPool)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (clientPool != null) {
            clientPool.shutdownNow();
        }
    }

    CompletableFuture<HttpResponse<byte[]>> poll(KeyId host) {
        HttpRequest r = HttpRequest.newBuilder(base.resolve("/relay/poll")).header("X-Test-Key-Id", host.hex())
                .timeout(Duration.ofSeconds(25)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Sends {@code message} as the host owning {@code fromKey}, with the wire's key prefix; by hand,
     * not with {@link RelayWire#sendBody}, which refuses the empty and oversized messages sent here
     * to see the server refuse them.
     */
    CompletableFuture<HttpResponse<byte[]>> send(byte[] fromKey, KeyId to, byte[] message) {
        byte[] body = java.nio.ByteBuffer.allocate(fromKey.length + message.length).put(fromKey).put(message).array();
        return sendRaw(KeyId.of(fromKey), to, body);
    }

    /** Posts {@code body} as is, as requester {@code from}. */
    CompletableFuture<HttpResponse<byte[]>> sendRaw(KeyId from, KeyId to, byte[] body) {
        HttpRequest r = HttpRequest.newBuilder(base.resolve("/relay/send/" + to.hex()))
                .header("X-Test-Key-Id", from.hex()).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void pollWaitsSendCompletesItEmptyOnTimeout() throws Exception {
        Relay relay = new Relay(RelayLimits.DEFAULT);
        start(relay, Duration.ofSeconds(1));
        KeyId a = RelayTest.A;
        KeyId b = RelayTest.B;
        var waiting = poll(b);
        awaitWaiters(relay, 1);
        assertFalse(waiting.isDone());
        assertEquals(204, send(RelayTest.KEY_A, b, new byte[] {1, 2, 3}).get(5, TimeUnit.SECONDS).statusCode());
        HttpResponse<byte[]> got = waiting.get(5, TimeUnit.SECONDS);
        assertEquals(200, got.statusCode());
        assertEquals(RelayWire.FRAME_HEADER_BYTES + 3, got.body().length);
        List<RelayWire.Frame> frames = RelayWire.decode(got.body());
        assertEquals(a, KeyId.of(frames.get(0).senderKey()));
        assertArrayEquals(RelayTest.KEY_A, frames.get(0).senderKey());
        assertArrayEquals(new byte[] {1, 2, 3}, frames.get(0).message());

        long t0 = System.nanoTime();
        HttpResponse<byte[]> empty = poll(b).get(5, TimeUnit.SECONDS);
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body().length);
        assertTrue(System.nanoTime() - t0 >= 900_000_000L, "waited for the poll timeout");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void refusesBadRequests() throws Exception {
        Relay relay = new Relay(RelayLimits.DEFAULT);
        start(relay, Duration.ofSeconds(1));
        HttpRequest anon = HttpRequest.newBuilder(base.resolve("/relay/poll"))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        assertEquals(401, client.send(anon, HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(204, send(RelayTest.KEY_A, RelayTest.B, new byte[1024]).get().statusCode());
        assertEquals(413, send(RelayTest.KEY_A, RelayTest.B, new byte[1025]).get().statusCode());
        // 10 MB declared: refused on the Content-Length before any of it is read. The server answers
        // 413 and closes, so a client still writing its body may see the close instead of the answer.
        try {
            assertEquals(413, send(RelayTest.KEY_A, RelayTest.B, new byte[10 << 20]).get().statusCode());
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause() instanceof java.io.IOException, e.toString());
        }
        assertEquals(400, send(RelayTest.KEY_A, RelayTest.B, new byte[0]).get().statusCode(), "key, no message");
        assertEquals(400, sendRaw(RelayTest.A, RelayTest.B, new byte[0]).get().statusCode());
        HttpResponse<byte[]> shortKey = sendRaw(RelayTest.A, RelayTest.B, java.util.Arrays.copyOf(RelayTest.KEY_A, 31))
                .get();
        assertEquals(400, shortKey.statusCode());
        assertEquals(RelaySendServlet.SHORT_BODY + "\n", new String(shortKey.body()));
        // A's certificate (here: header) with B's static key in front: refused, nothing queued.
        HttpResponse<byte[]> spoofed = sendRaw(RelayTest.A, RelayTest.id(77),
                RelayWire.sendBody(RelayTest.KEY_B, new byte[] {1})).get();
        assertEquals(403, spoofed.statusCode());
        assertEquals(RelaySendServlet.WRONG_SENDER_KEY + "\n", new String(spoofed.body()));
        assertEquals(400, send(RelayTest.KEY_A, RelayTest.A, new byte[1]).get().statusCode(), "to oneself");
        HttpRequest badTo = HttpRequest.newBuilder(base.resolve("/relay/send/XYZ"))
                .header("X-Test-Key-Id", RelayTest.A.hex()).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1]))
                .build();
        assertEquals(400, client.send(badTo, HttpResponse.BodyHandlers.discarding()).statusCode());
        // One is waiting already (the 1024-byte message above); A may have 4 waiting for B.
        for (int i = 1; i < RelayLimits.DEFAULT.maxMessagesPerPair(); i++) {
            assertEquals(204, send(RelayTest.KEY_A, RelayTest.B, new byte[1]).get().statusCode());
        }
        HttpResponse<byte[]> full = send(RelayTest.KEY_A, RelayTest.B, new byte[1]).get();
        assertEquals(429, full.statusCode());
        assertEquals(SendResult.PAIR_FULL.reason() + "\n", new String(full.body()));
        assertEquals(0, relay.pendingMessages(RelayTest.id(77)), "the spoofed send was not queued");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void evictAnswersTheWaitingPoll403AtOnce() throws Exception {
        Relay relay = new Relay(RelayLimits.DEFAULT);
        start(relay, Duration.ofSeconds(20));
        var waiting = poll(RelayTest.B);
        awaitWaiters(relay, 1);
        long t0 = System.nanoTime();
        relay.evict(RelayTest.B);
        HttpResponse<byte[]> r = waiting.get(5, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(403, r.statusCode());
        assertTrue(ms < 1_000, "answered " + ms + " ms after the eviction, not at the 20 s timeout");
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void thousandConcurrentLongPollsNeedFewThreads() throws Exception {
        int n = 1000;
        Relay relay = new Relay(RelayLimits.DEFAULT);
        start(relay, Duration.ofSeconds(20));
        System.gc();
        var mem = ManagementFactory.getMemoryMXBean();
        long heapBefore = mem.getHeapMemoryUsage().getUsed();
        int jvmThreadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

        List<CompletableFuture<HttpResponse<byte[]>>> polls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            polls.add(poll(RelayTest.id(10_000 + i)));
        }
        awaitWaiters(relay, n);
        System.gc();
        long heapWaiting = mem.getHeapMemoryUsage().getUsed();
        int jvmThreads = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf("relay scale: %d polls waiting; server pool threads=%d busy=%d idle=%d max=%d; "
                        + "JVM threads %d (before %d, includes the test's HttpClient); heap used %d KiB "
                        + "(before %d KiB, delta %d KiB incl. client side)%n",
                relay.waitingPolls(), threads.getThreads(), threads.getBusyThreads(), threads.getIdleThreads(),
                threads.getMaxThreads(), jvmThreads, jvmThreadsBefore, heapWaiting >> 10, heapBefore >> 10,
                (heapWaiting - heapBefore) >> 10);
        assertTrue(threads.getThreads() <= 32, "server pool stays within its bound");
        assertTrue(jvmThreads < 100, "well below one thread per poll: " + jvmThreads);
        assertTrue(polls.stream().noneMatch(CompletableFuture::isDone), "all still waiting");

        Semaphore inFlight = new Semaphore(32); // the sends reuse a few connections
        List<CompletableFuture<HttpResponse<byte[]>>> sends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            byte[] m = java.nio.ByteBuffer.allocate(4).putInt(i).array();
            sends.add(send(RelayTest.KEY_A, RelayTest.id(10_000 + i), m).whenComplete((r, e) -> inFlight.release()));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(204, sends.get(i).get(15, TimeUnit.SECONDS).statusCode());
            HttpResponse<byte[]> r = polls.get(i).get(15, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            List<RelayWire.Frame> frames = RelayWire.decode(r.body());
            assertEquals(1, frames.size());
            assertEquals(i, java.nio.ByteBuffer.wrap(frames.get(0).message()).getInt());
        }
        assertEquals(0, relay.pendingBytes());
    }

    private static void awaitWaiters(Relay relay, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (relay.waitingPolls() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + relay.waitingPolls() + " of " + n + " polls arrived");
            }
            Thread.sleep(20);
        }
    }
}
