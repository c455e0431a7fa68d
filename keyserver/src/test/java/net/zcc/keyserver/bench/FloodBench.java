package net.zcc.keyserver.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;
import net.zcc.keyserver.testing.TlsClients;

/**
 * What an anonymous flood costs the fleet (issue 11; docs/BENCHMARKS.md 5.3). A benchmark, not a
 * test: run by {@code keyserver/bench/flood.sh}.
 *
 * <p>The key server runs in its own JVM pinned to one core ({@code --server-cpu}, taskset), on a
 * home with {@code --hosts} enrolled hosts; this driver (pinned to the other core by the script)
 * measures, for {@code --seconds} each, with and without a flood: key lookups per second
 * ({@code --lookup-threads} hosts, each its own mutual-TLS keep-alive connection, back to back)
 * and relay exchanges per second ({@code --relay-pairs} pairs: a send, then the receiver's poll
 * that returns it). The flood: {@code --attackers} threads, each opening anonymous TLS connections
 * from 500 loopback source addresses and posting an enrollment request with a wrong token, as fast
 * as it can. The server's CPU use (from /proc) is printed per phase.
 *
 * <p>Bounded: at most 10,000 hosts, 64 threads of each kind, 60 s a phase; every request times
 * out after 10 s; the script kills the whole run after 10 minutes.
 */
public final class FloodBench {
    private static final SecureRandom RANDOM = new SecureRandom();

    private FloodBench() {
    }

    /** One phase's figures. */
    private record Phase(String name, long lookups, long relays, long attempts, long attacks, long errors,
            double seconds, double serverCpu) {
        String row() {
            return String.format("| %s | %.0f | %.0f | %.0f | %.0f | %d | %.0f %% |", name, lookups / seconds,
                    relays / seconds, attempts / seconds, attacks / seconds, errors, 100 * serverCpu / seconds);
        }
    }

    public static void main(String[] args) throws Exception {
        int hosts = 1000;
        int seconds = 10;
        int lookupThreads = 8;
        int relayPairs = 4;
        int attackers = 16;
        String serverCpu = "1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--lookup-threads" -> lookupThreads = Integer.parseInt(args[++i]);
                case "--relay-pairs" -> relayPairs = Integer.parseInt(args[++i]);
                case "--attackers" -> attackers = Integer.parseInt(args[++i]);
                case "--server-cpu" -> serverCpu = args[++i];
                default -> throw new IllegalArgumentException("usage: FloodBench [--hosts N] [--seconds S]"
                        + " [--lookup-threads N] [--relay-pairs N] [--attackers N] [--server-cpu LIST]");
            }
        }
        if (hosts < 2 * relayPairs + lookupThreads || hosts > 10_000 || seconds < 1 || seconds > 60
                || lookupThreads > 64 || relayPairs > 64 || attackers > 64) {
            throw new IllegalArgumentException("hosts up to 10,000 (at least the clients), seconds 1..60, threads up to 64");
        }
        Path launcher = Path.of("keyserver", "zcc-keyserver").toAbsolutePath();
        try (BenchServer.Scratch scratch = new BenchServer.Scratch("zcc-flood-bench")) {
            Path tmp = scratch.dir;
            AtomicReference<Process> server = scratch.server;
            long t0 = System.nanoTime();
            BenchServer.Prepared prepared = BenchServer.prepare(tmp.resolve("ks"), hosts);
            System.out.printf("prepared: %d hosts enrolled, approved and certified in %.1f s%n", hosts,
                    (System.nanoTime() - t0) / 1e9);
            int port = BenchServer.freePort();
            Path log = tmp.resolve("server.log");
            Process p = BenchServer.command(launcher, tmp.resolve("ks"), port, BenchServer.passwordFile(tmp), log, serverCpu)
                    .start();
            server.set(p);
            BenchServer.waitForPort(p, port, log);
            System.out.printf("key server pid %d on 127.0.0.1:%d, pinned to CPU %s%n", p.pid(), port, serverCpu);
            URI base = URI.create("https://127.0.0.1:" + port + "/");
            SSLContext anonymous = TlsClients.context(prepared.trust(), null);
            Workload w = new Workload(base, prepared.hosts(), lookupThreads, relayPairs, anonymous, attackers);
            w.phase("warm-up (not counted)", seconds, false, p.pid());
            List<Phase> phases = new ArrayList<>();
            phases.add(w.phase("no flood", seconds, false, p.pid()));
            phases.add(w.phase("anonymous flood", seconds, true, p.pid()));
            phases.add(w.phase("no flood, after", seconds, false, p.pid()));
            System.out.println();
            System.out.println("| phase | lookups/s | relay exchanges/s | flood connections/s tried | flood requests/s"
                    + " answered | errors | key server CPU |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            phases.forEach(ph -> System.out.println(ph.row()));
            Phase quiet = phases.get(0);
            Phase flood = phases.get(1);
            System.out.printf("%nunder the flood: lookups %.0f %% and relay exchanges %.0f %% of the quiet rate%n",
                    100.0 * flood.lookups() / quiet.lookups(), 100.0 * flood.relays() / quiet.relays());
        }
    }

    /** The fleet's clients and the attacker, run phase by phase. */
    private static final class Workload {
        private final URI base;
        private final List<HttpClient> lookupClients = new ArrayList<>();
        private final List<String> addresses = new ArrayList<>();
        private final List<BenchHosts.Enrolled> senders = new ArrayList<>();
        private final List<BenchHosts.Enrolled> receivers = new ArrayList<>();
        private final List<HttpClient> senderClients = new ArrayList<>();
        private final List<HttpClient> receiverClients = new ArrayList<>();
        private final SSLContext anonymous;
        private final int attackers;

        Workload(URI base, List<BenchHosts.Enrolled> hosts, int lookupThreads, int relayPairs, SSLContext anonymous,
                int attackers) {
            this.base = base;
            this.anonymous = anonymous;
            this.attackers = attackers;
            hosts.forEach(h -> addresses.add(h.address()));
            for (int i = 0; i < lookupThreads; i++) {
                lookupClients.add(TlsClients.http(hosts.get(i).tls()));
            }
            for (int i = 0; i < relayPairs; i++) {
                BenchHosts.Enrolled s = hosts.get(lookupThreads + 2 * i);
                BenchHosts.Enrolled r = hosts.get(lookupThreads + 2 * i + 1);
                senders.add(s);
                receivers.add(r);
                senderClients.add(TlsClients.http(s.tls()));
                receiverClients.add(TlsClients.http(r.tls()));
            }
        }

        Phase phase(String name, int seconds, boolean flood, long serverPid) throws Exception {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lookups = new AtomicLong();
            AtomicLong relays = new AtomicLong();
            AtomicLong attacks = new AtomicLong();
            AtomicLong attempts = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (HttpClient c : lookupClients) {
                threads.add(loop(stop, errors, () -> lookup(c), lookups));
            }
            for (int i = 0; i < senders.size(); i++) {
                int k = i;
                threads.add(loop(stop, errors, () -> relay(k), relays));
            }
            if (flood) {
                for (int i = 0; i < attackers; i++) {
                    int me = i;
                    AtomicLong n = new AtomicLong();
                    threads.add(loop(stop, attempts, () -> attack(me, n.getAndIncrement()), attacks));
                }
            }
            double cpu0 = BenchServer.cpuSeconds(serverPid);
            long t0 = System.nanoTime();
            threads.forEach(Thread::start);
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double cpu = BenchServer.cpuSeconds(serverPid) - cpu0;
            for (Thread t : threads) {
                t.join(15_000);
            }
            Phase ph = new Phase(name, lookups.get(), relays.get(), attempts.get() + attacks.get(), attacks.get(),
                    errors.get(), elapsed, cpu);
            System.out.println(ph.row());
            return ph;
        }

        private interface Call {
            void run() throws Exception;
        }

        private static Thread loop(AtomicBoolean stop, AtomicLong errors, Call call, AtomicLong done) {
            return new Thread(() -> {
                while (!stop.get()) {
                    try {
                        call.run();
                        done.incrementAndGet();
                    } catch (Exception | AssertionError e) {
                        errors.incrementAndGet();
                    }
                }
            });
        }

        private void lookup(HttpClient c) throws Exception {
            String address = addresses.get(ThreadLocalRandom.current().nextInt(addresses.size()));
            String xml = "<?xml version=\"1.0\"?><methodCall><methodName>Keys.lookup</methodName><params>"
                    + "<param><value>" + address + "</value></param><param><value>x25519</value></param>"
                    + "</params></methodCall>";
            HttpResponse<String> r = TlsClients.postXml(c, base.resolve("/RPC2"), xml);
            if (r.statusCode() != 200 || r.body().contains("<fault>")) {
                throw new AssertionError("lookup: " + r.statusCode());
            }
        }

        private void relay(int k) throws Exception {
            byte[] message = new byte[64];
            RANDOM.nextBytes(message);
            HttpResponse<Void> sent = senderClients.get(k).send(HttpRequest.newBuilder(
                    base.resolve(RelayWire.sendPath(new KeyId(receivers.get(k).keyIdHex())))).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(RelayWire.sendBody(senders.get(k).staticKey(), message)))
                    .build(), HttpResponse.BodyHandlers.discarding());
            if (sent.statusCode() != 204) {
                throw new AssertionError("send: " + sent.statusCode());
            }
            HttpResponse<byte[]> polled = receiverClients.get(k).send(HttpRequest.newBuilder(base.resolve(RelayWire.POLL_PATH))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (polled.statusCode() != 200
                    || RelayWire.decode(polled.body()).stream().noneMatch(f -> java.util.Arrays.equals(f.message(), message))) {
                throw new AssertionError("poll: " + polled.statusCode());
            }
        }

        /** One anonymous connection from one of 500 loopback addresses, one wrong-token enrollment, closed. */
        private void attack(int attacker, long n) throws IOException {
            int s = (int) ((attacker * 31 + n) % 500);
            InetAddress source = InetAddress.getByAddress(new byte[] {127, 9, (byte) (s / 250), (byte) (1 + s % 250)});
            byte[] body = ("<?xml version=\"1.0\"?><methodCall><methodName>Enroll.request</methodName><params>"
                    + "<param><value>wrong-token-" + n + "</value></param><param><value>AAAA</value></param>"
                    + "<param><value><array><data><value>198.18.99.1</value></data></array></value></param>"
                    + "<param><value>AAAA</value></param></params></methodCall>").getBytes(StandardCharsets.UTF_8);
            try (SSLSocket sock = (SSLSocket) anonymous.getSocketFactory().createSocket()) {
                sock.setSoTimeout(10_000);
                sock.bind(new InetSocketAddress(source, 0));
                sock.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
                sock.startHandshake();
                OutputStream out = sock.getOutputStream();
                out.write(("POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                sock.getInputStream().readNBytes(16 * 1024);
            }
        }
    }
}
