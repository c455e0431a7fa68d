package net.zcc.agent.remote;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.zcc.agent.keys.NoiseKeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.noise.SecureRandomKeyPairSource;

/**
 * First-contact benchmark (not a test): how long a new peer's first SYN waits for its session
 * key. One in-process key server on Derby and TLS (127.0.0.1); host A and {@code peers} other
 * hosts, each with its own key server client (relay long-poll, TLS) and Noise key source, as
 * separate agents would have. A asks for a key with each peer in turn ({@code currentAsync},
 * what the data plane calls on a SYN); the time until the future completes is the time the SYN
 * is held. The first {@code warmup} peers warm the JIT and A's connections; the rest are
 * measured, and after each one a cached lookup is timed for comparison.
 *
 * <p>Usage: {@code FirstContactBench <scratch dir> [peers=40] [warmup=10]}; run by
 * agent/bench/first-contact.sh.
 */
public final class FirstContactBench {
    private FirstContactBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int peers = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        boolean warmPeers = args.length > 3 && args[3].equals("warm-peers");
        List<AutoCloseable> open = new ArrayList<>();
        try (LiveKeyServer ks = new LiveKeyServer(dir)) {
            AgentIdentity a = ks.enrolledHost(dir.resolve("a"), "198.18.50.1");
            KeyServerClient ca = KeyServerClient.open(a);
            open.add(ca);
            NoiseKeySource sa = source(a, ca);
            open.add(sa);
            sa.start();
            List<InetAddress> addresses = new ArrayList<>();
            List<NoiseKeySource> sources = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                String addr = "198.18.51." + (i + 1);
                AgentIdentity p = ks.enrolledHost(dir.resolve("p" + i), addr);
                KeyServerClient cp = KeyServerClient.open(p);
                open.add(cp);
                NoiseKeySource sp = source(p, cp);
                open.add(sp);
                sources.add(sp);
                sp.start();
                if (warmPeers) { // an extra pooled TLS connection, so the peer's message 2 does not open one
                    cp.peerDirectory().lookup(InetAddress.getByName("198.18.50.1"));
                }
                addresses.add(InetAddress.getByName(addr));
            }
            Thread.sleep(500); // every peer's long-poll is waiting at the key server
            long[] lookups = new long[50];
            for (int i = 0; i < lookups.length; i++) {
                long t = System.nanoTime();
                ca.peerDirectory().lookup(addresses.get(i % addresses.size()));
                lookups[i] = System.nanoTime() - t;
            }
            report("directory lookup (warm)", Arrays.copyOfRange(lookups, 10, lookups.length));
            long[] first = new long[peers - warmup];
            long[] cached = new long[peers - warmup];
            for (int i = 0; i < peers; i++) {
                long t0 = System.nanoTime();
                Optional<SessionKey> k = sa.currentAsync(addresses.get(i)).get(10, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                if (k.isEmpty()) {
                    throw new IllegalStateException("no key with peer " + i);
                }
                long t2 = System.nanoTime();
                sa.currentAsync(addresses.get(i)).get();
                long t3 = System.nanoTime();
                if (i >= warmup) {
                    StringBuilder sb = new StringBuilder("  phases (ms from the call):");
                    for (int ph = 0; ph < 5; ph++) {
                        sb.append(String.format(" %s %.2f", PHASES[ph], (PHASE[ph] - t0) / 1e6));
                    }
                    System.out.println(sb.append(String.format(" key %.2f", (t1 - t0) / 1e6)));
                    first[i - warmup] = t1 - t0;
                    cached[i - warmup] = t3 - t2;
                }
            }
            report("first contact (SYN held)", first);
            report("cached session", cached);
            repeated(sa, sources.get(0), addresses.get(0), InetAddress.getByName("198.18.50.1"));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
        System.exit(0);
    }

    /** Phase times of the handshake in progress (one at a time), nanoTime stamps. */
    static final long[] PHASE = new long[6];
    static final String[] PHASES = {"lookup done", "m1 sent", "m1 at peer", "m2 sent", "m2 back", "key"};

    /**
     * First contact again and again between the same two hosts, each time after both forgot the
     * session and the peer's directory answer: lookup, message 1, message 2 on warm code and warm
     * connections, the steady state of a long-running agent. 1,000 rounds warm up, 1,000 count.
     */
    private static void repeated(NoiseKeySource a, NoiseKeySource b, InetAddress addressB, InetAddress addressA)
            throws Exception {
        int rounds = 2000;
        long[] t = new long[rounds / 2];
        long[][] phases = new long[5][rounds / 2];
        for (int i = 0; i < rounds; i++) {
            a.forget(addressB);
            b.forget(addressA);
            long t0 = System.nanoTime();
            if (a.currentAsync(addressB).get(10, TimeUnit.SECONDS).isEmpty()) {
                throw new IllegalStateException("no key in round " + i);
            }
            if (i >= rounds / 2) {
                t[i - rounds / 2] = System.nanoTime() - t0;
                long prev = t0;
                for (int ph = 0; ph < 5; ph++) { // lookup, m1 sent, m1 at peer, m2 sent, m2 back: each from the previous
                    phases[ph][i - rounds / 2] = PHASE[ph] - prev;
                    prev = PHASE[ph];
                }
            }
        }
        report("repeated first contact", t);
        for (int ph = 0; ph < 5; ph++) {
            report("  step: " + PHASES[ph], phases[ph]);
        }
    }

    private static NoiseKeySource source(AgentIdentity id, KeyServerClient client) {
        net.zcc.agent.keys.PeerDirectory dir = client.peerDirectory();
        net.zcc.agent.keys.RelayTransport relay = client.relayTransport();
        net.zcc.agent.keys.PeerDirectory timedDir = peer -> {
            var k = dir.lookup(peer);
            PHASE[0] = System.nanoTime();
            return k;
        };
        net.zcc.agent.keys.RelayTransport timedRelay = new net.zcc.agent.keys.RelayTransport() {
            @Override
            public void start(Receiver receiver) throws java.io.IOException {
                relay.start((from, m) -> {
                    PHASE[m[0] == 1 ? 2 : 4] = System.nanoTime();
                    receiver.onMessage(from, m);
                });
            }

            @Override
            public void send(net.zcc.agent.keys.PeerKey to, byte[] m) throws java.io.IOException {
                boolean first = m[0] == 1;
                relay.send(to, m);
                PHASE[first ? 1 : 3] = System.nanoTime();
            }

            @Override
            public void close() {
                relay.close();
            }
        };
        return new NoiseKeySource(id.noiseKeyPair(), timedDir, timedRelay,
                NoiseKeySource.Settings.defaults(), new SecureRandomKeyPairSource());
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-26s n=%d  min %.3f ms  p50 %.3f ms  p90 %.3f ms  max %.3f ms%n", what, s.length,
                s[0] / 1e6, s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[s.length - 1] / 1e6);
    }
}
