package net.zcc.keyserver.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.KeyServerConfig;
import net.zcc.keyserver.api.Admin;
import net.zcc.keyserver.api.Enroll;

/**
 * Concurrent relay long-polls over mutual TLS against a key server in its own JVM (a benchmark,
 * not a test; run by {@code keyserver/bench/polls.sh}).
 *
 * <p>Steps: (1) prepare a temporary home in this JVM: an in-process {@link KeyServer} enrolls and
 * approves {@code --hosts} hosts plus one sender through the {@code Enroll}/{@code Admin} handlers
 * (as {@link LookupBench} does), each with its own EC key and fleet client certificate, then stops
 * (Derby admits one JVM at a time). (2) Start the key server as an administrator would,
 * {@code keyserver/zcc-keyserver --home H --port P --db-password-file F} (default settings: 20 s
 * poll timeout, Jetty pool of 32), in its own process. (3) Measure that process idle: threads and
 * VmRSS from {@code /proc/<pid>/status}, the Jetty pool from {@code jcmd <pid> Thread.print},
 * heap used after {@code jcmd <pid> GC.run} from {@code GC.heap_info}. (4) Open one mutual-TLS
 * connection per host (blocking {@link SSLSocket}, IP SAN verified), then on one signal every host
 * sends {@code POST /relay/poll}; once all are written, wait {@code --settle} seconds and measure
 * again. (5) The sender posts one message to each host ({@code RelayWire.sendBody}: its own static
 * key ‖ a random message), over {@code --senders} keep-alive connections; every poll must complete
 * with exactly its own message from that sender. Reports how long delivering all took and the
 * send-to-delivery latency, then measures once more (polls answered, connections still open).
 *
 * <p>A poll answered empty (the server's 20 s timeout) is re-sent on the same connection, as an
 * agent's poll loop would, and counted. Bounded: at most 4,000 hosts and 16 senders; every socket
 * read times out after 60 s; every phase has a deadline; the server process is stopped by its pid
 * (SIGTERM, then SIGKILL after 20 s) in all cases, and the temporary directory is removed.
 */
public final class PollBench {

    private static final int MAX_HOSTS = 4_000;
    private static final int MAX_SENDERS = 16;
    private static final int MESSAGE_BYTES = 64;
    private static final int SOCKET_TIMEOUT_MS = 60_000;
    private static final int MAX_REPOLLS = 3;
    private static final long CLIENT_STACK = 256 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String DB_PASSWORD = BenchServer.DB_PASSWORD;

    /** With --nmt: the server runs with native memory tracking, and each sample prints its summary. */
    private static boolean nativeMemory;

    private PollBench() { }

    /** One enrolled, approved host: its static key, key id and client TLS context. */
    private record BenchHost(byte[] staticKey, String keyIdHex, SSLContext tls) { }

    /** What was read from the server process at one moment. */
    private record Sample(String label, int threads, long rssKiB, long hwmKiB, int qtp, int qtpIdle,
            int qtpSelector, int qtpAcceptor, int qtpReserved, int qtpBusy, long heapUsedKiB, long heapTotalKiB,
            String gc, int established) { }

    public static void main(String[] args) throws Exception {
        int hosts = 1_000;
        int senders = 4;
        int settleSeconds = 3;
        boolean nmt = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                case "--senders" -> senders = Integer.parseInt(args[++i]);
                case "--settle" -> settleSeconds = Integer.parseInt(args[++i]);
                case "--nmt" -> nmt = true;
                default -> throw new IllegalArgumentException(
                        "usage: PollBench [--hosts N] [--senders N] [--settle S] [--nmt]");
            }
        }
        if (hosts < 1 || hosts > MAX_HOSTS || senders < 1 || senders > MAX_SENDERS || settleSeconds < 0
                || settleSeconds > 10) {
            throw new IllegalArgumentException("hosts 1.." + MAX_HOSTS + ", senders 1.." + MAX_SENDERS
                    + ", settle 0..10 s");
        }
        Path launcher = Path.of("keyserver", "zcc-keyserver").toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("run from the repository root: no " + launcher);
        }
        try (BenchServer.Scratch scratch = new BenchServer.Scratch("zcc-poll-bench")) {
            run(scratch.dir, launcher, scratch.server, hosts, senders, settleSeconds, nmt);
        }
    }

    private static void run(Path tmp, Path launcher, AtomicReference<Process> serverRef, int hostCount,
            int senders, int settleSeconds, boolean nmt) throws Exception {
        nativeMemory = nmt;
        Path home = tmp.resolve("ks");
        Path passwordFile = tmp.resolve("db-password");
        Files.writeString(passwordFile, DB_PASSWORD, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));

        long t0 = System.nanoTime();
        List<BenchHost> all = BenchServer.prepare(home, hostCount + 1).hosts().stream()
                .map(h -> new BenchHost(h.staticKey(), h.keyIdHex(), h.tls())).toList();
        BenchHost sender = all.get(hostCount);
        List<BenchHost> hosts = all.subList(0, hostCount);
        System.out.printf("prepared %s: %d hosts + 1 sender enrolled, approved and certified in %.1f s "
                + "(in-process, then stopped)%n", home, hostCount, (System.nanoTime() - t0) / 1e9);

        int port = BenchServer.freePort();
        Path log = tmp.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--home", home.toString(), "--port",
                String.valueOf(port), "--db-password-file", passwordFile.toString());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        if (nmt) { // the launcher passes no JVM options: this is the only way in, and it costs a little
            pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:NativeMemoryTracking=summary");
        }
        Process server = pb.start();
        serverRef.set(server);
        long pid = server.pid(); // the launcher execs java: this is the key server JVM
        BenchServer.waitForPort(server, port, log);
        System.out.printf("key server pid %d on 127.0.0.1:%d, started as: %s%n", pid, port,
                String.join(" ", pb.command()));
        System.out.printf("server JVM: %s%n", jcmd(pid, "VM.version").lines()
                .filter(l -> l.contains("VM version") || l.startsWith("JDK")).findFirst().orElse("?").trim());
        Thread.sleep(2_000); // let start-up settle; the jcmd above already made the Attach Listener thread
        List<Sample> samples = new ArrayList<>();
        samples.add(sample(pid, port, "idle (started, no connection)"));

        // One mutual-TLS connection per host, handshakes done before any poll.
        long h0 = System.nanoTime();
        List<SSLSocket> sockets = connectAll(hosts, port);
        System.out.printf("%d mutual-TLS connections opened in %.1f s (8 handshakes at a time)%n",
                sockets.size(), (System.nanoTime() - h0) / 1e9);

        int n = hosts.size();
        byte[][] messages = new byte[n][];
        for (int i = 0; i < n; i++) {
            messages[i] = new byte[MESSAGE_BYTES];
            RANDOM.nextBytes(messages[i]);
        }
        long[] sentAt = new long[n];
        long[] doneAt = new long[n];
        AtomicInteger written = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger repolls = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch allWritten = new CountDownLatch(n);
        CountDownLatch allDone = new CountDownLatch(n);
        String hostHeader = "127.0.0.1:" + port;
        List<Thread> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int me = i;
            SSLSocket s = sockets.get(i);
            Thread t = new Thread(null, () -> {
                boolean counted = false;
                try {
                    go.await();
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    for (int attempt = 0; attempt <= MAX_REPOLLS; attempt++) {
                        out.write(("POST /relay/poll HTTP/1.1\r\nHost: " + hostHeader
                                + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        if (!counted) {
                            counted = true;
                            written.incrementAndGet();
                            allWritten.countDown();
                        }
                        Response r = Response.read(in);
                        if (r.status() == 200 && r.body().length == 0) {
                            repolls.incrementAndGet(); // the poll timed out empty: poll again
                            continue;
                        }
                        doneAt[me] = System.nanoTime();
                        answered.incrementAndGet();
                        if (r.status() != 200) {
                            throw new IOException("poll answered " + r.status());
                        }
                        List<RelayWire.Frame> got = RelayWire.decode(r.body());
                        if (got.size() != 1 || !Arrays.equals(got.get(0).senderKey(), sender.staticKey())
                                || !Arrays.equals(got.get(0).message(), messages[me])) {
                            throw new IOException("host " + me + " got " + got.size()
                                    + " frame(s), not its own message from the sender");
                        }
                        return;
                    }
                    throw new IOException("no message after " + MAX_REPOLLS + " re-polls");
                } catch (Exception e) {
                    wrong.incrementAndGet();
                    firstError.compareAndSet(null, "host " + me + ": " + e);
                } finally {
                    if (!counted) {
                        allWritten.countDown();
                    }
                    allDone.countDown();
                }
            }, "poll-" + i, CLIENT_STACK);
            t.setDaemon(true);
            clients.add(t);
        }
        clients.forEach(Thread::start);
        long p0 = System.nanoTime();
        go.countDown();
        if (!allWritten.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("polls not all written in 60 s");
        }
        System.out.printf("%d polls written in %.2f s; waiting %d s before measuring%n", written.get(),
                (System.nanoTime() - p0) / 1e9, settleSeconds);
        Thread.sleep(settleSeconds * 1_000L);
        int openBefore = written.get() - answered.get();
        long m0 = System.nanoTime();
        samples.add(sample(pid, port, "during: polls waiting"));
        int openAfter = written.get() - answered.get();
        System.out.printf("polls open (client side) while measuring: %d at start, %d at end; measuring took %.1f s, "
                + "%.1f s after the polls were sent (server poll timeout 20 s); re-polls so far %d%n",
                openBefore, openAfter, (System.nanoTime() - m0) / 1e9, (System.nanoTime() - p0) / 1e9,
                repolls.get());

        // One message to each host from the sender, over `senders` keep-alive connections.
        long s0 = System.nanoTime();
        AtomicInteger sendFailures = new AtomicInteger();
        List<Thread> senderThreads = new ArrayList<>();
        CountDownLatch sendsDone = new CountDownLatch(senders);
        long[] sendsEndedAt = new long[senders];
        for (int k = 0; k < senders; k++) {
            int me = k;
            Thread t = new Thread(() -> {
                try (SSLSocket s = connect(sender.tls(), port)) {
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    for (int i = me; i < n; i += senders) {
                        byte[] body = RelayWire.sendBody(sender.staticKey(), messages[i]);
                        byte[] head = ("POST /relay/send/" + hosts.get(i).keyIdHex() + " HTTP/1.1\r\nHost: "
                                + hostHeader + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                        byte[] request = Arrays.copyOf(head, head.length + body.length);
                        System.arraycopy(body, 0, request, head.length, body.length);
                        sentAt[i] = System.nanoTime();
                        out.write(request); // one write, one TLS record: no Nagle/delayed-ACK stall
                        out.flush();
                        Response r = Response.read(in);
                        if (r.status() != 204) {
                            sendFailures.incrementAndGet();
                            firstError.compareAndSet(null, "send to host " + i + " answered " + r.status());
                        }
                    }
                } catch (Exception e) {
                    sendFailures.incrementAndGet();
                    firstError.compareAndSet(null, "sender " + me + ": " + e);
                } finally {
                    sendsEndedAt[me] = System.nanoTime();
                    sendsDone.countDown();
                }
            }, "send-" + k);
            t.setDaemon(true);
            senderThreads.add(t);
        }
        senderThreads.forEach(Thread::start);
        boolean sendsInTime = sendsDone.await(60, TimeUnit.SECONDS);
        boolean pollsInTime = allDone.await(60, TimeUnit.SECONDS);
        long lastSendEnd = Arrays.stream(sendsEndedAt).max().orElse(s0);
        long lastDone = Arrays.stream(doneAt).max().orElse(s0);
        long[] latency = new long[n];
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (doneAt[i] != 0 && sentAt[i] != 0) {
                latency[ok++] = doneAt[i] - sentAt[i];
            }
        }
        long[] lat = Arrays.copyOf(latency, ok);
        Arrays.sort(lat);
        int delivered = n - wrong.get();
        System.out.printf("sends: %d, failed %d, all answered 204 after %.0f ms (%s)%n", n, sendFailures.get(),
                (lastSendEnd - s0) / 1e6, sendsInTime ? "in time" : "NOT IN TIME");
        System.out.printf("polls completed with their own message: %d of %d (wrong/failed %d, re-polls %d); "
                + "last one %.0f ms after the first send (%s)%n", delivered, n, wrong.get(), repolls.get(),
                (lastDone - s0) / 1e6, pollsInTime ? "in time" : "NOT IN TIME");
        if (lat.length > 0) {
            System.out.printf("send-to-delivery latency per message: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, lat[lat.length - 1] / 1e6);
        }
        if (firstError.get() != null) {
            System.out.println("first error: " + firstError.get());
        }
        samples.add(sample(pid, port, "after: all answered, connections open"));
        for (SSLSocket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        Thread.sleep(1_000);
        samples.add(sample(pid, port, "after: connections closed"));

        System.out.println();
        System.out.println("| server process | connections | JVM threads | Jetty qtp threads (busy / idle / selector"
                + " / acceptor / reserved) | VmRSS | heap used after GC (committed) |");
        System.out.println("|---|---:|---:|---|---:|---:|");
        for (Sample s : samples) {
            System.out.printf("| %s | %d | %d | %d (%d / %d / %d / %d / %d) | %.1f MiB | %.1f MiB (%.0f MiB) |%n",
                    s.label(), s.established(), s.threads(), s.qtp(), s.qtpBusy(), s.qtpIdle(), s.qtpSelector(),
                    s.qtpAcceptor(), s.qtpReserved(), s.rssKiB() / 1024.0, s.heapUsedKiB() / 1024.0,
                    s.heapTotalKiB() / 1024.0);
        }
        Sample last = samples.get(samples.size() - 1);
        System.out.printf("server GC: %s; heap committed at the end %.0f MiB; peak RSS (VmHWM) %.1f MiB%n",
                last.gc(), last.heapTotalKiB() / 1024.0, last.hwmKiB() / 1024.0);
        if (wrong.get() != 0 || sendFailures.get() != 0 || !sendsInTime || !pollsInTime) {
            throw new IllegalStateException("not every poll completed with its own message");
        }
    }


    private static List<SSLSocket> connectAll(List<BenchHost> hosts, int port) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<SSLSocket>> futures = new ArrayList<>();
            for (BenchHost h : hosts) {
                futures.add(pool.submit(() -> connect(h.tls(), port)));
            }
            List<SSLSocket> out = new ArrayList<>();
            for (Future<SSLSocket> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A handshaken TLS connection to 127.0.0.1:port presenting the host's certificate; IP SAN verified. */
    private static SSLSocket connect(SSLContext ctx, int port) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 10_000);
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        s.setTcpNoDelay(true);
        s.startHandshake();
        return s;
    }

    /** An HTTP/1.1 response with a Content-Length body (what the relay servlets write). */
    private record Response(int status, byte[] body) {
        static Response read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed before a response");
                }
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                        ? state + 1 : (b == '\r' ? 1 : 0);
                if (head.size() > 16_384) {
                    throw new IOException("response head too long");
                }
            }
            String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            int length = -1;
            for (String l : lines) {
                int colon = l.indexOf(':');
                if (colon > 0) {
                    String name = l.substring(0, colon).trim();
                    if (name.equalsIgnoreCase("Content-Length")) {
                        length = Integer.parseInt(l.substring(colon + 1).trim());
                    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                        throw new IOException("unexpected Transfer-Encoding");
                    }
                }
            }
            if (length < 0) {
                length = 0; // 204 and friends
            }
            if (length > 1 << 20) {
                throw new IOException("body too long");
            }
            return new Response(status, in.readNBytes(length));
        }
    }

    // --- the server process: /proc and jcmd ---------------------------------------------------

    private static Sample sample(long pid, int port, String label) throws Exception {
        int established = established(port);
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        int threads = (int) procField(status, "Threads");
        long rss = procField(status, "VmRSS");
        long hwm = procField(status, "VmHWM");
        String dump = jcmd(pid, "Thread.print");
        int qtp = 0;
        int idle = 0;
        int selector = 0;
        int acceptor = 0;
        int reserved = 0;
        for (String block : dump.split("\n(?=\")")) {
            if (!block.startsWith("\"qtp")) {
                continue;
            }
            qtp++;
            if (block.contains("ManagedSelector") || block.contains("SelectorManager")) {
                selector++;
            } else if (block.contains("ServerConnector.accept") || block.contains("Net.accept")) {
                acceptor++;
            } else if (block.contains("ReservedThreadExecutor")) {
                reserved++;
            } else if (block.contains("idleJobPoll")) {
                idle++;
            }
        }
        int busy = qtp - idle - selector - acceptor - reserved;
        jcmd(pid, "GC.run");
        String heap = jcmd(pid, "GC.heap_info");
        Matcher m = Pattern.compile("(\\S[^\\n]*?)\\s+total (\\d+)K, used (\\d+)K").matcher(heap);
        long used = -1;
        long total = -1;
        String gc = "?";
        if (m.find()) {
            gc = m.group(1).trim();
            total = Long.parseLong(m.group(2));
            used = Long.parseLong(m.group(3));
        }
        if (nativeMemory) {
            StringBuilder nm = new StringBuilder();
            Matcher c = Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(
                    jcmd(pid, "VM.native_memory summary"));
            while (c.find()) {
                long kib = Long.parseLong(c.group(2));
                if (kib >= 1024) {
                    nm.append(nm.length() == 0 ? "" : ", ").append(c.group(1).trim()).append(' ')
                            .append(kib / 1024).append(" MiB");
                }
            }
            System.out.printf("[%s] NMT committed (>= 1 MiB): %s%n", label, nm);
        }
        Sample s = new Sample(label, threads, rss, hwm, qtp, idle, selector, acceptor, reserved, busy, used, total,
                gc, established);
        System.out.printf("[%s] %d connections established to the server port; threads %d, qtp %d (busy %d, "
                + "idle %d, selector %d, acceptor %d, reserved %d), VmRSS %.1f MiB, heap used after GC %.1f MiB "
                + "(committed %.0f MiB)%n", label, established, threads, qtp, busy, idle, selector, acceptor,
                reserved, rss / 1024.0, used / 1024.0, total / 1024.0);
        return s;
    }

    /**
     * Server-side TCP sockets in ESTABLISHED state with local port {@code port} (/proc/net/tcp and
     * tcp6: Java's dual-stack sockets show 127.0.0.1 as a v4-mapped IPv6 address).
     */
    private static int established(int port) throws IOException {
        String local = String.format(":%04X", port);
        int n = 0;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(file))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(local) && "01".equals(f[3])) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long procField(String status, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(status);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in /proc status");
        }
        return Long.parseLong(m.group(1));
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + command + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }




    private static long pct(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
