package net.zcc.agent.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Scheduler} of a running agent: real time and real threads. The only class of this
 * package that reads the system's clocks or makes threads (a test keeps it so).
 *
 * <p>The clock is monotonic: wall-clock time at start-up plus elapsed {@code System.nanoTime()},
 * so an NTP step can neither age every key at once nor make a directory answer young again. One
 * timer thread runs the scheduled tasks (none of them blocks); each lane is a pool of daemon
 * threads of its own.
 */
public final class SystemScheduler implements Scheduler {

    private static final System.Logger LOG = System.getLogger(SystemScheduler.class.getName());

    private final Instant origin = Instant.now();
    private final long originNanos = System.nanoTime();
    private final ScheduledThreadPoolExecutor timers;
    private final List<ExecutorService> lanes = new CopyOnWriteArrayList<>();

    /** Starts the timer thread; lanes start with their first {@link #lane} call. */
    public SystemScheduler() {
        timers = new ScheduledThreadPoolExecutor(1, daemons("zcc-keys-timer"));
        timers.setRemoveOnCancelPolicy(true); // a cancelled handshake timeout leaves nothing queued
    }

    @Override
    public Instant now() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> f = timers.schedule(() -> runLogged(task), Math.max(0, delay.toNanos()),
                    TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) { // closed: nothing runs any more
            return () -> { };
        }
    }

    @Override
    public Executor lane(String name, int threads, int backlog) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(backlog), daemons("zcc-" + name), SystemScheduler::dropOldest);
        lanes.add(pool);
        return pool;
    }

    @Override
    public void close() {
        timers.shutdownNow();
        lanes.forEach(ExecutorService::shutdownNow);
    }

    /** A full lane drops its oldest waiting task; a closed one refuses, so the caller can tell. */
    private static void dropOldest(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) {
            throw new RejectedExecutionException("closed");
        }
        pool.getQueue().poll();
        pool.execute(task);
    }

    /** A timer task that throws must not end silently in its future: nobody reads it. */
    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "key agreement task failed", e);
        }
    }

    private static ThreadFactory daemons(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
