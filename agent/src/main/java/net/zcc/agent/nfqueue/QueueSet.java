package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Queues first .. first+count-1, one worker thread each, matching an NFQUEUE rule with
 * {@code --queue-balance first:first+count-1}. All queues are bound before any worker starts,
 * so a failed bind leaves nothing running.
 */
public final class QueueSet implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(QueueSet.class.getName());
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);

    /** Opens one queue; {@link NetlinkPacketQueue#open} in production, a twin in tests. */
    @FunctionalInterface
    public interface Opener {
        PacketQueue open(int queueNumber) throws IOException;
    }

    private final int first;
    private final int count;
    private final Opener opener;
    private final PacketProcessor processor;
    private final int batchSize;
    private final List<QueueWorker> workers = new ArrayList<>();

    /** @param processor shared by all queues, so called from {@code count} threads */
    public QueueSet(int first, int count, Opener opener, PacketProcessor processor, int batchSize) {
        if (count < 1 || first < 0 || first + count - 1 > 0xffff) {
            throw new IllegalArgumentException("bad queue range " + first + " + " + count);
        }
        this.first = first;
        this.count = count;
        this.opener = opener;
        this.processor = processor;
        this.batchSize = batchSize;
    }

    /** Kernel queues through netlink with {@code config}. */
    public static QueueSet netlink(int first, int count, NetlinkPacketQueue.Config config,
                                   PacketProcessor processor) {
        return new QueueSet(first, count, q -> NetlinkPacketQueue.open(q, config), processor,
                config.batchSize());
    }

    /** Opens every queue, then starts a worker per queue. On failure, closes what it opened. */
    public synchronized void start() throws IOException {
        if (!workers.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        List<PacketQueue> opened = new ArrayList<>();
        try {
            for (int q = first; q < first + count; q++) {
                opened.add(opener.open(q));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(PacketQueue::close);
            throw e;
        }
        for (PacketQueue q : opened) {
            workers.add(new QueueWorker(q, processor, batchSize));
        }
        workers.forEach(QueueWorker::start);
        LOG.log(Level.INFO, "nfqueue {0}..{1} running", first, first + count - 1);
    }

    /**
     * Stops every worker and closes its queue, all in parallel, within about one second.
     * Returns true if every thread ended in time.
     */
    public synchronized boolean stop() {
        workers.forEach(QueueWorker::signalStop);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        boolean all = true;
        for (QueueWorker w : workers) {
            try {
                all &= w.stop(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                all = false;
            }
        }
        if (!all) {
            LOG.log(Level.WARNING, "nfqueue workers still running after {0}", STOP_TIMEOUT);
        }
        return all;
    }

    /** {@link PacketQueue#receiveMode()} of each queue, in queue order. */
    public synchronized List<String> receiveModes() {
        List<String> m = new ArrayList<>();
        workers.forEach(w -> m.add(w.receiveMode()));
        return m;
    }

    /** Counters of each queue, in queue order. */
    public synchronized List<QueueStats> stats() {
        List<QueueStats> s = new ArrayList<>();
        workers.forEach(w -> s.add(w.stats()));
        return s;
    }

    @Override
    public void close() {
        stop();
    }
}
