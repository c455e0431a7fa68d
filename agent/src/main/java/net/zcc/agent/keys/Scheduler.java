package net.zcc.agent.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Time and deferred work for key agreement: the one clock on which every handshake timeout,
 * confirmation wait, directory answer lifetime, key age, grace period and revalidation period is
 * measured, and the one place that work leaves the caller's thread.
 *
 * <p>{@link SystemScheduler} in the agent (a monotonic clock, a timer thread, a thread pool per
 * lane). Tests use a virtual one whose time moves only when the test says so, and which runs
 * every task on the test's thread in time order: key agreement is tested without sleeping, and
 * a test run is repeatable.
 */
public interface Scheduler extends AutoCloseable {

    /** A scheduled task that has not run yet can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** The task does not run if it has not started; no effect afterwards. */
        void cancel();
    }

    /** Now on this scheduler's clock; never goes backwards. */
    Instant now();

    /**
     * Runs {@code task} once, {@code delay} from now (at once for a zero or negative delay), never
     * on the caller's thread. Tasks must not block: they run one after another.
     */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Where work that may block (a directory lookup, a relay send) runs: at most {@code threads}
     * tasks at once, started in submission order; when {@code backlog} tasks already wait, the
     * oldest waiting one is dropped (what is worth doing later is worth less than what is new).
     * A lane of its own keeps one kind of slow work from delaying another. Once the scheduler is
     * closed, {@code execute} throws {@link java.util.concurrent.RejectedExecutionException}.
     *
     * @param name names the lane's threads, for thread dumps
     */
    Executor lane(String name, int threads, int backlog);

    /** Stops the timers and the lanes; tasks not yet started never run. */
    @Override
    void close();

    /**
     * Completes {@code f} with {@code value} after {@code after} unless it completed before, as
     * {@link CompletableFuture#completeOnTimeout} does on the JDK's own clock.
     *
     * @return {@code f}
     */
    default <T> CompletableFuture<T> completeOnTimeout(CompletableFuture<T> f, T value, Duration after) {
        if (!f.isDone()) {
            Cancellable timer = schedule(after, () -> f.complete(value));
            f.whenComplete((v, e) -> timer.cancel()); // no timer outlives its future
        }
        return f;
    }
}
