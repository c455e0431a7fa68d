package net.zcc.agent.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Virtual time for key agreement tests: time stands still until the test {@linkplain #advance
 * advances} it, and then every task due runs on the test's thread, in time order (in order of
 * scheduling at equal times). Lanes are not threads here: their work is a task due now. So a
 * test never sleeps, and the same inputs run the same way every time.
 *
 * <p>A task that throws fails the test at once: in the agent it would only be logged.
 */
final class VirtualScheduler implements Scheduler {

    /** A scheduled task; ordered by due time, then by when it was scheduled. */
    private static final class Task implements Comparable<Task> {
        final Instant due;
        final long seq;
        final Runnable run;
        boolean cancelled;

        Task(Instant due, long seq, Runnable run) {
            this.due = due;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public int compareTo(Task o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long seq;
    private long ran;

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(delay.isNegative() ? now : now.plus(delay), seq++, task);
        queue.add(t);
        return () -> cancel(t);
    }

    private synchronized void cancel(Task t) {
        t.cancelled = true;
        queue.remove(t);
    }

    /** Work on a lane is a task due now, run when the test next advances time. */
    @Override
    public Executor lane(String name, int threads, int backlog) {
        return task -> schedule(Duration.ZERO, task);
    }

    /** Nothing to stop: the test owns the only thread. */
    @Override
    public void close() {
    }

    /** Moves time forward by {@code d}, running every task due by then, those they schedule included. */
    void advance(Duration d) {
        Instant until;
        synchronized (this) {
            until = now.plus(d);
        }
        for (Task t = nextDue(until); t != null; t = nextDue(until)) {
            ran++;
            t.run.run();
        }
        synchronized (this) {
            now = until;
        }
    }

    /** Runs what is due now (work handed to lanes, messages without delay). */
    void runDue() {
        advance(Duration.ZERO);
    }

    /**
     * Advances, task by task, until {@code done} holds or {@code limit} has passed.
     *
     * @return whether {@code done} holds
     */
    boolean runUntil(BooleanSupplier done, Duration limit) {
        Instant until = now().plus(limit);
        runDue();
        while (!done.getAsBoolean()) {
            Instant next = nextDueTime();
            if (next == null || next.isAfter(until)) {
                advance(Duration.between(now(), until));
                return done.getAsBoolean();
            }
            advance(Duration.between(now(), next));
        }
        return true;
    }

    /** Tasks run so far: a measure of how much a test exercised. */
    synchronized long tasksRun() {
        return ran;
    }

    private synchronized Task nextDue(Instant until) {
        Task t = queue.peek();
        if (t == null || t.due.isAfter(until)) {
            return null;
        }
        queue.poll();
        now = t.due;
        return t;
    }

    private synchronized Instant nextDueTime() {
        Task t = queue.peek();
        return t == null ? null : t.due;
    }
}
