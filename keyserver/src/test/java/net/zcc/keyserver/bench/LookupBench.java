package net.zcc.keyserver.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcMethods;
import net.zcc.keyserver.KeyServer;
import net.zcc.keyserver.KeyServerConfig;
import net.zcc.keyserver.testing.TlsClients;
import org.apache.xmlrpc.client.XmlRpcClient;

/**
 * Lookup throughput of the key server (a benchmark, not a test; run by {@code keyserver/bench/lookups.sh}).
 *
 * <p>Starts a {@link KeyServer} on a temporary home (Derby, fleet CA), enrolls and approves
 * {@code --hosts} hosts in-process, then for each thread count runs that many client threads, each
 * with its own mutual-TLS XML-RPC client (its own host certificate, its own keep-alive connection),
 * calling {@code Keys.lookup(random enrolled address, "x25519")} back to back: {@code --warmup}
 * seconds unmeasured, then {@code --duration} seconds measured. Prints lookups/s and the p50/p99
 * latency of the measured calls. Server and clients share one JVM and the machine's cores.
 *
 * <p>Bounded: at most 10,000 hosts and 64 threads; each call times out after 10 s; a run that does
 * not end within its time plus 30 s aborts; latency samples are capped per thread.
 */
public final class LookupBench {

    private static final int MAX_HOSTS = 10_000;
    private static final int MAX_THREADS = 64;
    private static final int MAX_SAMPLES_PER_THREAD = 1_000_000;

    private LookupBench() { }

    /** One enrolled, approved host: its address, static key (what lookups return) and client context. */
    private record BenchHost(String address, String staticKeyB64, SSLContext tls) { }

    /** What one thread-count run measured. */
    private record Result(int threads, long calls, long errors, double seconds, long p50Nanos, long p99Nanos,
            boolean samplesCapped) { }

    public static void main(String[] args) throws Exception {
        int hosts = 100;
        int[] threadCounts = {1, 4, 16};
        int warmupSeconds = 5;
        int durationSeconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "--warmup" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--duration" -> durationSeconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException(
                        "usage: LookupBench [--hosts N] [--threads 1,4,16] [--warmup S] [--duration S]");
            }
        }
        if (hosts < 1 || hosts > MAX_HOSTS || warmupSeconds < 0 || warmupSeconds > 60 || durationSeconds < 1
                || durationSeconds > 120 || Arrays.stream(threadCounts).anyMatch(t -> t < 1 || t > MAX_THREADS)) {
            throw new IllegalArgumentException("hosts 1.." + MAX_HOSTS + ", threads 1.." + MAX_THREADS
                    + ", warm-up 0..60 s, duration 1..120 s");
        }
        // HttpURLConnection keeps at most http.maxConnections idle connections per destination
        // (default 5): with more threads, the others would pay a TLS handshake per lookup.
        System.setProperty("http.maxConnections", String.valueOf(MAX_THREADS));

        Path tmp = Files.createTempDirectory("zcc-lookup-bench");
        try {
            run(tmp, hosts, threadCounts, warmupSeconds, durationSeconds);
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Path tmp, int hostCount, int[] threadCounts, int warmupSeconds, int durationSeconds)
            throws Exception {
        KeyId adminId = KeyId.of(new byte[32]);
        KeyServerConfig config = KeyServerConfig.defaults(tmp.resolve("ks"), "zcc",
                "bench-only-password".toCharArray()).withAdmins(Set.of(adminId));
        try (KeyServer server = new KeyServer(config)) {
            server.start();
            long t0 = System.nanoTime();
            List<BenchHost> hosts = enroll(server, adminId, hostCount);
            System.out.printf("enrolled and approved %d hosts in %.1f s (in-process); key server at %s%n",
                    hosts.size(), (System.nanoTime() - t0) / 1e9, server.rpcUri());
            System.out.printf("%d cores; Java %s; revocation cache TTL %s; %d s warm-up, %d s measured%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    config.revocationCacheTtl(), warmupSeconds, durationSeconds);
            System.out.println();
            System.out.println("| client threads | lookups/s | p50 µs | p99 µs | errors |");
            System.out.println("|---:|---:|---:|---:|---:|");
            for (int threads : threadCounts) {
                Result r = measure(server, hosts, threads, warmupSeconds, durationSeconds);
                System.out.printf("| %d | %.0f | %.0f | %.0f | %d |%s%n", r.threads(), r.calls() / r.seconds(),
                        r.p50Nanos() / 1e3, r.p99Nanos() / 1e3, r.errors(),
                        r.samplesCapped() ? " (latency over the first samples only)" : "");
            }
        }
    }

    /** Enrolls, approves and certifies hosts in-process ({@link BenchHosts}). */
    private static List<BenchHost> enroll(KeyServer server, KeyId adminId, int count) throws Exception {
        return BenchHosts.enroll(server, adminId, count).stream()
                .map(h -> new BenchHost(h.address(), BenchHosts.b64(h.staticKey()), h.tls())).toList();
    }

    private static Result measure(KeyServer server, List<BenchHost> hosts, int threads, int warmupSeconds,
            int durationSeconds) throws Exception {
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200); // all threads ready first
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(durationSeconds);
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[][] samples = new long[threads][];
        int[] sampleCounts = new int[threads];
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            // Each thread is a different host with its own certificate and client.
            XmlRpcClient client = TlsClients.xmlRpc(server.rpcUri(), hosts.get(t % hosts.size()).tls());
            Thread w = new Thread(() -> {
                long[] mine = new long[Math.min(MAX_SAMPLES_PER_THREAD, 4096)];
                int n = 0;
                try {
                    while (System.nanoTime() < start) {
                        Thread.onSpinWait();
                    }
                    long now;
                    while ((now = System.nanoTime()) < measureTo) {
                        BenchHost target = hosts.get(ThreadLocalRandom.current().nextInt(hosts.size()));
                        boolean ok;
                        try {
                            ok = target.staticKeyB64().equals(client.execute(RpcMethods.KEYS_LOOKUP,
                                    new Object[] {target.address(), RpcMethods.X25519_SCHEME}));
                        } catch (Exception e) {
                            ok = false;
                        }
                        long end = System.nanoTime();
                        if (now >= measureFrom && end <= measureTo) {
                            if (!ok) {
                                errors.incrementAndGet();
                                continue;
                            }
                            calls.incrementAndGet();
                            if (n == mine.length && n < MAX_SAMPLES_PER_THREAD) {
                                mine = Arrays.copyOf(mine, Math.min(MAX_SAMPLES_PER_THREAD, 2 * n));
                            }
                            if (n < mine.length) {
                                mine[n++] = end - now;
                            }
                        }
                    }
                } finally {
                    samples[me] = mine;
                    sampleCounts[me] = n;
                    done.countDown();
                }
            }, "lookup-bench-" + t);
            w.setDaemon(true);
            workers.add(w);
        }
        workers.forEach(Thread::start);
        long bound = TimeUnit.SECONDS.toMillis(warmupSeconds + durationSeconds + 30L);
        if (!done.await(bound, TimeUnit.MILLISECONDS)) {
            workers.forEach(Thread::interrupt);
            throw new IllegalStateException("the " + threads + "-thread run did not end in time");
        }
        int total = 0;
        boolean capped = false;
        for (int t = 0; t < threads; t++) {
            total += sampleCounts[t];
            capped |= sampleCounts[t] == MAX_SAMPLES_PER_THREAD;
        }
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(samples[t], 0, all, at, sampleCounts[t]);
            at += sampleCounts[t];
        }
        Arrays.sort(all);
        return new Result(threads, calls.get(), errors.get(), durationSeconds, percentile(all, 0.50),
                percentile(all, 0.99), capped);
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
