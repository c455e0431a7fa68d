package net.zcc.agent.keys;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import net.zcc.agent.noise.KeyPairSource;
import net.zcc.agent.noise.NoiseKeyPair;

/**
 * A few hosts agreeing keys over a relay that delays, reorders and loses messages, on virtual
 * time: the world of {@link KeyAgreementPropertyTest}. It plays a {@link Scenario} (when each host
 * starts, the fate of each relay message, connections, byte budgets spent, restarts), then probes
 * every pair over a healed relay, and returns every connection with its verdict as the peer
 * saw it. Everything runs on the caller's thread; the same scenario gives the same run.
 */
final class KeyAgreementWorld {

    /** What a step does. CONNECT first: a shrunk scenario has only connections. */
    enum Kind { CONNECT, SPEND, RESTART }

    /**
     * One relay message's fate.
     *
     * @param delayMillis time from send to delivery
     * @param lost whether the relay loses it instead
     */
    record Fate(int delayMillis, boolean lost) { }

    /**
     * Something a host does, {@code gapMillis} after the previous step. CONNECT: opens a
     * connection to {@code peer}. SPEND: a connection to {@code peer} that seals the whole byte
     * budget of its key. RESTART: the host restarts with the same static key, and, if
     * {@code prepares}, at once gets keys ready for every other host (its service file names them).
     */
    record Step(int gapMillis, Kind kind, int host, int peer, boolean prepares) { }

    /**
     * A whole run.
     *
     * @param hosts how many hosts (2 or 3)
     * @param startMillis when each host starts polling the relay (its mail waits until then)
     * @param keyOrder which permutation of the static keys the hosts get: who wins a tie-break
     * @param fates the fate of the first relay messages, in sending order; later ones arrive in 5 ms
     * @param steps what the hosts do, in order
     * @param seed handshake ids and ephemeral keys
     */
    record Scenario(int hosts, List<Integer> startMillis, int keyOrder, List<Fate> fates, List<Step> steps,
            long seed) { }

    /** How the peer took a connection's OFFER. */
    enum Verdict {
        /** The peer holds the offered key, same bytes. */
        ACCEPTED,
        /** No key within the handshake timeout: the connection is refused (PROTOCOL.md 4 allows it). */
        REFUSED,
        /** The agent is not running on the peer when the SYN arrives. */
        PEER_DOWN,
        /** The peer does not hold the offered key id: the failure the protocol must rule out. */
        UNKNOWN_KEY,
        /** The peer holds a different key under that id. */
        WRONG_KEY,
        /** The key handed to the connection was already wiped. */
        WIPED
    }

    /**
     * One connection and its fate.
     *
     * @param peerRestarted whether the peer had restarted by then (its keys were lost)
     * @param probe 0 during the scenario; 1 or 2 for the attempts of the final probe
     */
    record Connection(int from, int to, Instant at, Verdict verdict, boolean peerRestarted, int probe) { }

    static final NoiseKeySource.Settings SETTINGS = NoiseKeySource.Settings.defaults();
    /** From the offer being decided to the SYN reaching the peer (not via the relay). */
    private static final Duration SYN_FLIGHT = Duration.ofMillis(1);
    private static final Duration HEALED_LATENCY = Duration.ofMillis(5);
    /** Longer than any generated delay plus a handshake timeout: nothing of the scenario is left in flight. */
    static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Duration PROBE_SPACING = Duration.ofSeconds(2);

    private static final NoiseKeyPair[] STATIC_KEYS = staticKeys(3);
    private static final int[][] PERMUTATIONS = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

    private final Scenario scenario;
    private final VirtualScheduler time = new VirtualScheduler();
    private final InMemoryRelay relay = new InMemoryRelay(time);
    private final Map<InetAddress, PeerKey> directory = new HashMap<>();
    private final InetAddress[] addresses;
    private final NoiseKeyPair[] keys;
    private final NoiseKeySource[] running;
    private final boolean[] restarted;
    private final Random random;
    private final List<Connection> connections = new ArrayList<>();
    private int sentSoFar;
    private int handshakes;
    private int lost;
    private boolean healed;

    KeyAgreementWorld(Scenario scenario) {
        this.scenario = scenario;
        int n = scenario.hosts();
        addresses = new InetAddress[n];
        keys = new NoiseKeyPair[n];
        running = new NoiseKeySource[n];
        restarted = new boolean[n];
        random = new Random(scenario.seed());
        for (int h = 0; h < n; h++) {
            addresses[h] = address(h);
            keys[h] = STATIC_KEYS[PERMUTATIONS[scenario.keyOrder()][h]];
            directory.put(addresses[h], PeerKey.of(keys[h].publicKey()));
        }
        relay.conditions(this::fate);
    }

    /** Plays the scenario, settles, probes every pair twice over a healed relay; returns every connection. */
    List<Connection> run() {
        Duration end = Duration.ZERO;
        for (int h = 0; h < scenario.hosts(); h++) {
            int host = h;
            Duration at = Duration.ofMillis(scenario.startMillis().get(h));
            time.schedule(at, () -> running[host] = start(host));
            end = max(end, at);
        }
        Duration at = Duration.ZERO;
        for (Step s : scenario.steps()) {
            at = at.plusMillis(s.gapMillis());
            time.schedule(at, () -> perform(s));
        }
        time.advance(max(end, at).plus(SETTLE));
        probe();
        running().forEach(NoiseKeySource::close);
        return connections;
    }

    /** Virtual time the run covered. */
    Instant now() {
        return time.now();
    }

    /** Relay messages sent, lost ones included. */
    long relayMessages() {
        return relay.sentCount();
    }

    /** Tasks the virtual scheduler ran. */
    long tasks() {
        return time.tasksRun();
    }

    /** Handshakes started (messages 1 sent). */
    int handshakes() {
        return handshakes;
    }

    /** Relay messages lost. */
    int lost() {
        return lost;
    }

    private Duration fate(byte[] message) {
        int i = sentSoFar++;
        if (message[0] == HandshakeMessage.MESSAGE_1) {
            handshakes++;
        }
        if (healed || i >= scenario.fates().size()) {
            return HEALED_LATENCY;
        }
        Fate f = scenario.fates().get(i);
        if (f.lost()) {
            lost++;
            return null;
        }
        return Duration.ofMillis(f.delayMillis());
    }

    private NoiseKeySource start(int host) {
        Random r = new Random(random.nextLong());
        KeyPairSource ephemerals = () -> {
            byte[] k = new byte[NoiseKeyPair.KEY_LENGTH];
            r.nextBytes(k);
            return NoiseKeyPair.fromPrivateKey(k);
        };
        NoiseKeySource s = new NoiseKeySource(keys[host], a -> Optional.ofNullable(directory.get(a)),
                relay.endpoint(PeerKey.of(keys[host].publicKey())), SETTINGS, time, ephemerals, r);
        try {
            s.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("the in-memory relay does not fail", e);
        }
        return s;
    }

    private void perform(Step s) {
        int host = s.host() % scenario.hosts();
        int peer = peerOf(host, s.peer());
        NoiseKeySource source = running[host];
        if (source == null) {
            return; // not started yet: nothing to do
        }
        switch (s.kind()) {
            case CONNECT -> connect(host, peer, 0);
            case SPEND -> source.currentAsync(addresses[peer]).thenAccept(k -> k.ifPresent(
                    key -> key.countSealed(SETTINGS.rekeyAfterBytes())));
            case RESTART -> restart(host, s.prepares());
        }
    }

    private void restart(int host, boolean prepares) {
        running[host].close(); // every key it held is gone
        running[host] = start(host);
        restarted[host] = true;
        if (prepares) {
            List<InetAddress> others = new ArrayList<>();
            for (int h = 0; h < scenario.hosts(); h++) {
                if (h != host) {
                    others.add(addresses[h]);
                }
            }
            running[host].prepare(others);
        }
    }

    /**
     * A connection from {@code from} to {@code to}, as the data planes see it: the initiator's
     * key source decides the OFFER (perhaps after a handshake), the SYN flies, the responder's
     * key source looks the key id up.
     */
    private void connect(int from, int to, int probe) {
        CompletableFuture<Optional<SessionKey>> offer = running[from].currentAsync(addresses[to]);
        offer.thenAccept(k -> {
            if (k.isEmpty()) {
                record(from, to, Verdict.REFUSED, probe);
                return;
            }
            byte[] bytes = k.get().copyOfKey();
            if (bytes == null) {
                record(from, to, Verdict.WIPED, probe);
                return;
            }
            time.schedule(SYN_FLIGHT, () -> arrive(from, to, k.get().id(), bytes, probe));
        });
    }

    private void arrive(int from, int to, int keyId, byte[] offered, int probe) {
        NoiseKeySource peer = running[to];
        if (peer == null) {
            record(from, to, Verdict.PEER_DOWN, probe);
            return;
        }
        peer.byIdAsync(addresses[from], keyId).thenAccept(k -> record(from, to, k.isEmpty() ? Verdict.UNKNOWN_KEY
                : java.util.Arrays.equals(offered, k.get().copyOfKey()) ? Verdict.ACCEPTED : Verdict.WRONG_KEY, probe));
    }

    private void record(int from, int to, Verdict v, int probe) {
        connections.add(new Connection(from, to, time.now(), v, restarted[to], probe));
    }

    /**
     * The relay heals; then, for each ordered pair in turn, two connections one way only, two
     * seconds apart (the other side stays silent, as a server that never connects back).
     */
    private void probe() {
        healed = true;
        for (int from = 0; from < scenario.hosts(); from++) {
            for (int to = 0; to < scenario.hosts(); to++) {
                if (from != to) {
                    for (int attempt = 1; attempt <= 2; attempt++) {
                        connect(from, to, attempt);
                        time.advance(PROBE_SPACING);
                    }
                }
            }
        }
    }

    private List<NoiseKeySource> running() {
        List<NoiseKeySource> out = new ArrayList<>();
        for (NoiseKeySource s : running) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Any host but {@code host}: the generated index modulo the others. */
    private int peerOf(int host, int generated) {
        return (host + 1 + generated % (scenario.hosts() - 1)) % scenario.hosts();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static InetAddress address(int host) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 198, 18, 77, (byte) (host + 1)});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Fixed static keys, sorted by public key: index order is tie-break order. */
    private static NoiseKeyPair[] staticKeys(int n) {
        Random r = new Random(20260101);
        List<NoiseKeyPair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[NoiseKeyPair.KEY_LENGTH];
            r.nextBytes(k);
            pairs.add(NoiseKeyPair.fromPrivateKey(k));
        }
        pairs.sort((a, b) -> PeerKey.of(a.publicKey()).compareTo(PeerKey.of(b.publicKey())));
        return pairs.toArray(NoiseKeyPair[]::new);
    }
}
