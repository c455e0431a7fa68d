package net.zcc.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real scheduler: timers run on their own thread and can be called off, lanes run up to
 * their number of tasks at once on threads of their own and drop the oldest waiting task when
 * full, and a closed scheduler runs nothing. Waits are for events (latches), bounded; no sleeps.
 */
class SystemSchedulerTest {

    private static final long BOUND_S = 5;

    private final SystemScheduler scheduler = new SystemScheduler();

    @AfterEach
    void close() {
        scheduler.close();
    }

    @Test
    void aTimerRunsAfterItsDelayOnTheTimerThread() throws Exception {
        Instant t0 = scheduler.now();
        CompletableFuture<String> ran = new CompletableFuture<>();
        scheduler.schedule(Duration.ofMillis(20), () -> ran.complete(Thread.currentThread().getName()));
        assertEquals("zcc-keys-timer", ran.get(BOUND_S, TimeUnit.SECONDS));
        assertFalse(scheduler.now().isBefore(t0.plusMillis(20)), "not before its delay, on the scheduler's clock");
    }

    @Test
    void aCancelledTimerNeverRuns() throws Exception {
        CountDownLatch cancelledRan = new CountDownLatch(1);
        scheduler.schedule(Duration.ofMillis(20), cancelledRan::countDown).cancel();
        CountDownLatch later = new CountDownLatch(1);
        scheduler.schedule(Duration.ofMillis(40), later::countDown); // one thread, in time order
        assertTrue(later.await(BOUND_S, TimeUnit.SECONDS));
        assertEquals(1, cancelledRan.getCount());
    }

    @Test
    void completeOnTimeoutCompletesOnlyAnUnfinishedFuture() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        scheduler.completeOnTimeout(slow, "timed out", Duration.ofMillis(20));
        assertEquals("timed out", slow.get(BOUND_S, TimeUnit.SECONDS));
        CompletableFuture<String> quick = new CompletableFuture<>();
        scheduler.completeOnTimeout(quick, "timed out", Duration.ofMillis(20));
        quick.complete("answer");
        assertEquals("answer", quick.get());
    }

    @Test
    void aLaneRunsAsManyTasksAtOnceAsItHasThreads() throws Exception {
        Executor lane = scheduler.lane("test-lane", 4, 100);
        CountDownLatch fourRunning = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
            lane.execute(() -> {
                threads.add(Thread.currentThread().getName());
                fourRunning.countDown();
                await(release);
            });
        }
        assertTrue(fourRunning.await(BOUND_S, TimeUnit.SECONDS), "four blocked tasks run side by side");
        release.countDown();
        assertTrue(threads.stream().allMatch("zcc-test-lane"::equals));
    }

    @Test
    void aFullLaneDropsItsOldestWaitingTask() throws Exception {
        Executor lane = scheduler.lane("test-lane", 1, 2);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch lastRan = new CountDownLatch(1);
        lane.execute(() -> {
            running.countDown();
            await(release);
        });
        assertTrue(running.await(BOUND_S, TimeUnit.SECONDS));
        for (int i = 1; i <= 3; i++) { // 1 waits, 2 waits, 3 pushes 1 out
            int n = i;
            lane.execute(() -> {
                ran.add(n);
                if (n == 3) {
                    lastRan.countDown();
                }
            });
        }
        release.countDown();
        assertTrue(lastRan.await(BOUND_S, TimeUnit.SECONDS));
        assertEquals(List.of(2, 3), ran);
    }

    @Test
    void aClosedSchedulerRunsNothingAndItsLanesRefuse() {
        Executor lane = scheduler.lane("test-lane", 1, 10);
        scheduler.close();
        assertThrows(RejectedExecutionException.class, () -> lane.execute(() -> { }));
        scheduler.schedule(Duration.ZERO, () -> { }).cancel(); // no effect, no exception
    }

    @Test
    void theClockIsCloseToWallTimeAndNeverGoesBack() {
        Instant a = scheduler.now();
        Instant b = scheduler.now();
        assertFalse(b.isBefore(a));
        assertTrue(Duration.between(a, Instant.now()).abs().toSeconds() < 5);
        assertNotEquals(Instant.EPOCH, a);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(BOUND_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
