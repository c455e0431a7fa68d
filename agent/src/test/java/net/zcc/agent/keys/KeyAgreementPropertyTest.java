package net.zcc.agent.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.zcc.agent.testing.RandomCases;
import org.junit.jupiter.api.Test;
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

    private static final AtomicLong CONNECTIONS = new AtomicLong();
    private static final AtomicLong MESSAGES = new AtomicLong();
    private static final AtomicLong VIRTUAL_SECONDS = new AtomicLong();
    private static final AtomicLong EXCUSED = new AtomicLong();

    @Test
    void bothSidesEndUpOnAKeyTheOtherHoldsOrRefuse() {
        long t = System.nanoTime();
        int cases = RandomCases.run("key agreement property", 3000, KeyAgreementPropertyTest::scenario, scenario -> {
            KeyAgreementWorld world = new KeyAgreementWorld(scenario);
            Instant t0 = world.now();
            List<Connection> connections = world.run();
            tally(world, t0, connections);
            for (Connection c : connections) {
                assertThat(allowed(c), c, connections);
            }
        });
        System.out.printf("key agreement property: %d cases, %d connections, %d relay messages, %d virtual hours,"
                + " %d offers refused by a restarted peer; %.1f s%n", cases, CONNECTIONS.get(), MESSAGES.get(),
                VIRTUAL_SECONDS.get() / 3600, EXCUSED.get(), (System.nanoTime() - t) / 1e9);
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
    static Scenario scenario(Random r) {
        int hosts = 2 + r.nextInt(2);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            starts.add(r.nextInt(5) < 3 ? 0 : uniform(r, 0, 3_000));
        }
        // Sizes uniform, not biased to small ones: long runs are where losses pile up.
        List<Fate> fates = new ArrayList<>();
        for (int i = r.nextInt(81); i > 0; i--) {
            fates.add(fate(r));
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 1 + r.nextInt(24); i > 0; i--) {
            steps.add(step(r));
        }
        return new Scenario(hosts, starts, r.nextInt(6), fates, steps, r.nextLong());
    }

    /** Mostly a few milliseconds, sometimes past the handshake timeout; almost a third lost. */
    private static Fate fate(Random r) {
        int delay = r.nextInt(10) < 7 ? uniform(r, 0, 50) : uniform(r, 0, 1_500);
        return new Fate(delay, r.nextInt(100) >= 70);
    }

    /** Steps mostly close together (races), sometimes a rekey period or more apart. */
    private static Step step(Random r) {
        int p = r.nextInt(10);
        int gap = p < 6 ? uniform(r, 0, 1_500) : p < 8 ? uniform(r, 0, 40_000) : uniform(r, 0, 150_000);
        int k = r.nextInt(10);
        Kind kind = k < 7 ? Kind.CONNECT : k < 9 ? Kind.SPEND : Kind.RESTART;
        return new Step(gap, kind, r.nextInt(3), r.nextInt(3), r.nextBoolean());
    }

    private static int uniform(Random r, int min, int max) {
        return min + r.nextInt(max - min + 1);
    }

    private static void tally(KeyAgreementWorld world, Instant t0, List<Connection> connections) {
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
