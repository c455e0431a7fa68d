package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Revalidation on the real scheduler, where its concurrency is real: four lookups at a time on
 * threads of their own, so a key server that hangs neither stalls on-demand lookups nor gets
 * more than four questions at once, and a pass starts no lookup after its period.
 */
class RevalidatorTest {

    private static final long BOUND_S = 5;
    private static final PeerKey HOST = PeerKey.of(new byte[PeerKey.LENGTH]);

    private final SystemScheduler scheduler = new SystemScheduler();
    private final Peers peers = new Peers();
    private final Set<InetAddress> slow = ConcurrentHashMap.newKeySet();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger asking = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger asked = new AtomicInteger();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    /** Answers at once, except for {@link #slow} addresses: those wait until the test releases them. */
    private final PeerDirectory directory = address -> {
        if (!slow.contains(address)) {
            return Optional.of(HOST);
        }
        threads.add(Thread.currentThread().getName());
        mostAtOnce.accumulateAndGet(asking.incrementAndGet(), Math::max);
        try {
            release.await(BOUND_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        asking.decrementAndGet();
        asked.incrementAndGet();
        return Optional.of(HOST);
    };
    private final PeerKeyCache cache = new PeerKeyCache(directory, Duration.ofMinutes(1), scheduler,
            scheduler.lane("peer-lookup", 2, Integer.MAX_VALUE));

    @AfterEach
    void close() {
        release.countDown();
        scheduler.close();
    }

    private Revalidator revalidator(Duration period) {
        return new Revalidator(cache, peers, scheduler,
                scheduler.lane("peer-revalidate", Revalidator.PARALLELISM, Integer.MAX_VALUE), period, new Random(1));
    }

    /** Ten peers with sessions, all of whose lookups hang. */
    private List<InetAddress> tenSlowPeers() throws Exception {
        List<InetAddress> out = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            InetAddress a = InetAddress.getByName("198.18.90." + i);
            synchronized (peers) {
                peers.bind(a, HOST);
            }
            slow.add(a);
            out.add(a);
        }
        return out;
    }

    @Test
    void fourLookupsAtATimeOnTheirOwnThreadsAndOnDemandLookupsGoOn() throws Exception {
        tenSlowPeers();
        revalidator(Duration.ofMinutes(1)).startPass();
        assertTrue(waitFor(() -> asking.get() == Revalidator.PARALLELISM), "four lookups hang");

        var onDemand = cache.lookupAsync(InetAddress.getByName("198.18.90.99"));
        assertEquals(Optional.of(HOST), onDemand.get(BOUND_S, TimeUnit.SECONDS), "not behind the hung ones");

        release.countDown();
        assertTrue(waitFor(() -> asked.get() == 10), "the pass asks every peer");
        assertEquals(Revalidator.PARALLELISM, mostAtOnce.get());
        assertTrue(threads.stream().allMatch("zcc-peer-revalidate"::equals), threads.toString());
    }

    @Test
    void aPassStartsNoLookupAfterItsPeriod() throws Exception {
        tenSlowPeers();
        Duration period = Duration.ofMillis(100);
        revalidator(period).startPass();
        assertTrue(waitFor(() -> asking.get() == Revalidator.PARALLELISM));
        scheduler.schedule(period.multipliedBy(2), release::countDown); // the hung lookups answer after the period
        assertTrue(waitFor(() -> asked.get() == Revalidator.PARALLELISM && asking.get() == 0));
        CountDownLatch later = new CountDownLatch(1); // whatever the pass would start, it starts before this runs
        scheduler.schedule(period, later::countDown);
        assertTrue(later.await(BOUND_S, TimeUnit.SECONDS));
        assertEquals(Revalidator.PARALLELISM, asked.get(), "the other six wait for the next pass");
    }

    /** Polls a condition every millisecond, at most {@link #BOUND_S}: a bounded wait for other threads. */
    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }
}
