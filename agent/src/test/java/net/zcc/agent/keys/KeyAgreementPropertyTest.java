package net.zcc.agent.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.zcc.agent.keys.KeyAgreementWorld.Connection;
import net.zcc.agent.keys.KeyAgreementWorld.Fate;
import net.zcc.agent.keys.KeyAgreementWorld.Kind;
import net.zcc.agent.keys.KeyAgreementWorld.Scenario;
import net.zcc.agent.keys.KeyAgreementWorld.Step;
import net.zcc.agent.keys.KeyAgreementWorld.Verdict;

/**
 * The key-agreement scenarios of {@link KeyAgreementScenariosTest} (staggered start, lost
 * message 2, lost confirmation, peer restart, relay reordering) as one property over random
 * relay delays and losses, start times, connections, byte budgets spent and restarts, on virtual
 * time ({@link KeyAgreementWorld}).
 *
 * <p>The invariant (PROTOCOL.md 4): whatever the relay did, a host never offers a key its peer
 * does not hold. Each connection is accepted (the peer holds the offered key, same bytes) or
 * refused because no key came within the handshake timeout; never an unknown or a different
 * key. One exception the protocol cannot avoid: a peer that restarted lost its keys, and nothing
 * tells the other side until one of its offers is refused. So after the relay heals, each host
 * connects to each other twice, the other staying silent: the first may meet a restarted peer's
 * loss, the second must be accepted. Both sides thus end up on keys the other holds.
 */
class KeyAgreementPropertyTest {

    private static final AtomicLong CASES = new AtomicLong();
    private static final AtomicLong CONNECTIONS = new AtomicLong();
    private static final AtomicLong MESSAGES = new AtomicLong();
    private static final AtomicLong VIRTUAL_SECONDS = new AtomicLong();
    private static final AtomicLong EXCUSED = new AtomicLong();
    private static long startNanos;

    @BeforeContainer
    static void startClock() {
        startNanos = System.nanoTime();
    }

    @AfterContainer
    static void report() {
        System.out.printf("key agreement property: %d cases, %d connections, %d relay messages, %d virtual hours,"
                + " %d offers refused by a restarted peer; %.1f s%n", CASES.get(), CONNECTIONS.get(), MESSAGES.get(),
                VIRTUAL_SECONDS.get() / 3600, EXCUSED.get(), (System.nanoTime() - startNanos) / 1e9);
    }

    @Property(tries = 3000, edgeCases = EdgeCasesMode.NONE) // edge cases are empty lists, one step: little to see
    void bothSidesEndUpOnAKeyTheOtherHoldsOrRefuse(@ForAll("scenarios") Scenario scenario) {
        KeyAgreementWorld world = new KeyAgreementWorld(scenario);
        Instant t0 = world.now();
        List<Connection> connections = world.run();
        tally(world, t0, connections);
        Statistics.label("handshakes").collect(bucket(world.handshakes()));
        Statistics.label("relay messages lost").collect(bucket(world.lost()));
        Statistics.label("steps").collect(bucket(scenario.steps().size()));
        Statistics.label("fates").collect(bucket(scenario.fates().size()));
        Statistics.label("restarts").collect(scenario.steps().stream().filter(st -> st.kind() == Kind.RESTART).count());
        Statistics.label("virtual minutes").collect(bucket((int) Duration.between(t0, world.now()).toMinutes()));
        for (Connection c : connections) {
            assertThat(allowed(c), c, connections);
        }
    }

    /** What PROTOCOL.md 4 allows a connection; during the scenario ({@code probe} 0) or after the relay healed. */
    private static boolean allowed(Connection c) {
        return switch (c.verdict()) {
            case ACCEPTED -> true;
            case REFUSED, PEER_DOWN -> c.probe() == 0; // the relay lost or delayed too much; healed, it must not
            case UNKNOWN_KEY -> c.peerRestarted() && c.probe() < 2; // the peer lost its keys: this refusal tells us
            case WRONG_KEY, WIPED -> false;
        };
    }

    /** A whole run: 2 or 3 hosts, up to 80 relay message fates, up to 24 steps. */
    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Integer> hosts = Arbitraries.integers().between(2, 3);
        Arbitrary<List<Integer>> starts = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)), Tuple.of(2, uniform(0, 3_000)))
                .list().ofSize(3);
        Arbitrary<Integer> keyOrder = Arbitraries.integers().between(0, 5);
        // Sizes uniform, not biased to small ones: long runs are where losses pile up.
        Arbitrary<List<Fate>> fates = fate().list().ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
        Arbitrary<List<Step>> steps = step().list().ofMinSize(1).ofMaxSize(24)
                .withSizeDistribution(RandomDistribution.uniform());
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(hosts, starts, keyOrder, fates, steps, seed)
                .as((n, s, k, f, st, sd) -> new Scenario(n, s.subList(0, n), k, f, st, sd));
    }

    /** Mostly a few milliseconds, sometimes past the handshake timeout; almost a third lost. */
    private static Arbitrary<Fate> fate() {
        Arbitrary<Integer> delay = Arbitraries.frequencyOf(
                Tuple.of(7, uniform(0, 50)),
                Tuple.of(3, uniform(0, 1_500)));
        Arbitrary<Boolean> lost = Arbitraries.integers().between(0, 99).map(p -> p >= 70); // shrinks to delivered
        return Combinators.combine(delay, lost).as(Fate::new);
    }

    /** Steps mostly close together (races), sometimes a rekey period or more apart. */
    private static Arbitrary<Step> step() {
        Arbitrary<Integer> gap = Arbitraries.frequencyOf(
                Tuple.of(6, uniform(0, 1_500)),
                Tuple.of(2, uniform(0, 40_000)),
                Tuple.of(2, uniform(0, 150_000)));
        Arbitrary<Kind> kind = Arbitraries.frequency(Tuple.of(7, Kind.CONNECT), Tuple.of(2, Kind.SPEND),
                Tuple.of(1, Kind.RESTART));
        Arbitrary<Integer> host = Arbitraries.integers().between(0, 2);
        return Combinators.combine(gap, kind, host, host, Arbitraries.of(false, true)).as(Step::new);
    }

    /** Integers spread evenly: jqwik's default favours small ones, and long gaps are what let keys age. */
    private static Arbitrary<Integer> uniform(int min, int max) {
        return Arbitraries.integers().between(min, max).withDistribution(RandomDistribution.uniform());
    }

    /** 0, 1, 2-3, 4-7, 8-15...: enough to see what the generator covers. */
    private static String bucket(int n) {
        if (n < 2) {
            return String.valueOf(n);
        }
        int low = Integer.highestOneBit(n);
        return low + "-" + (2 * low - 1);
    }

    private static void tally(KeyAgreementWorld world, Instant t0, List<Connection> connections) {
        CASES.incrementAndGet();
        CONNECTIONS.addAndGet(connections.size());
        MESSAGES.addAndGet(world.relayMessages());
        VIRTUAL_SECONDS.addAndGet(Duration.between(t0, world.now()).toSeconds());
        EXCUSED.addAndGet(connections.stream().filter(c -> c.verdict() == Verdict.UNKNOWN_KEY).count());
    }

    private static void assertThat(boolean holds, Connection c, List<Connection> all) {
        if (!holds) {
            throw new AssertionError("connection " + c + " broke the invariant; all connections:\n"
                    + all.stream().map(Connection::toString).collect(Collectors.joining("\n")));
        }
    }
}
