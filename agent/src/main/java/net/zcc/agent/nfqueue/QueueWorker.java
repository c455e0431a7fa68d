package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one queue on one thread. The data path, in the order of the methods below:
 *
 * <ol>
 *   <li>receive: block (bounded) for the first packet, then drain what is ready into the batch;</li>
 *   <li>decode: done by the queue; malformed messages come back counted and their packets
 *       preset to DROP;</li>
 *   <li>process: the {@link PacketProcessor} sets each packet's verdict; if it throws, that
 *       packet is dropped and counted;</li>
 *   <li>verdict: drops and changed packets individually, then one batch accept; a packet the
 *       processor holds gets its verdict later from another thread
 *       ({@link QueuedPacket#hold()}).</li>
 * </ol>
 *
 * A failed receive is retried after a backoff that doubles up to one second; a failed verdict
 * send is counted and the loop goes on. Nothing here ends the process.
 */
public final class QueueWorker {
    private static final System.Logger LOG = System.getLogger(QueueWorker.class.getName());
    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PacketQueue queue;
    private final PacketProcessor processor;
    private final PacketBatch batch;
    private final QueueCounters counters;
    private volatile boolean running;
    private Thread thread;
    private int receiveFailures;

    public QueueWorker(PacketQueue queue, PacketProcessor processor, int batchSize) {
        this.queue = queue;
        this.processor = processor;
        this.batch = new PacketBatch(batchSize, queue);
        this.counters = new QueueCounters(queue.queueNumber());
    }

    public QueueStats stats() {
        return counters;
    }

    /** {@link PacketQueue#receiveMode()} of this worker's queue. */
    public String receiveMode() {
        return queue.receiveMode();
    }

    /** Starts the worker thread "zcc-nfqueue-N". */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, "zcc-nfqueue-" + queue.queueNumber());
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the loop to end; it notices within one receive wait and then closes the queue. */
    public void signalStop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t); // cut a backoff short
        }
    }

    /** Signals stop and waits up to {@code timeout}; returns true if the thread has ended. */
    public boolean stop(Duration timeout) throws InterruptedException {
        signalStop();
        Thread t = thread;
        if (t == null) {
            queue.close();
            return true;
        }
        t.join(Math.max(1, timeout.toMillis()));
        return !t.isAlive();
    }

    /** The loop; runs on the worker thread, or on the caller's in tests. */
    void run() {
        try {
            while (running) {
                runOnce();
            }
        } finally {
            queue.close();
            LOG.log(Level.INFO, "nfqueue worker stopped: {0}", counters);
        }
    }

    /** One turn of the data path: receive, process, verdict. */
    void runOnce() {
        int n = receive();
        if (n <= 0 && batch.size() == 0) {
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            process(batch.get(i));
        }
        sendVerdicts();
    }

    /** Step 1 and 2: receive and decode. Returns the packet count, or -1 after an error. */
    private int receive() {
        try {
            int n = queue.receive(batch);
            receiveFailures = 0;
            counters.received.add(n);
            counters.malformed.add(batch.malformedCount());
            counters.errorMessages.add(batch.errorMessageCount());
            return n;
        } catch (ClosedChannelException e) {
            running = false;
            return -1;
        } catch (IOException | RuntimeException e) {
            if (running) {
                receiveFailed(e);
            }
            return -1;
        }
    }

    /** Step 3: the processor decides; a malformed packet keeps its preset DROP. */
    private void process(QueuedPacket p) {
        if (!p.isMalformed()) {
            try {
                processor.process(p);
            } catch (RuntimeException e) {
                p.drop();
                counters.processorErrors.increment();
                LOG.log(Level.DEBUG, "processor failed on a packet; dropped", e);
            }
        }
        if (p.verdict() == QueuedPacket.Verdict.ACCEPT) {
            counters.accepted.increment();
        } else if (p.verdict() == QueuedPacket.Verdict.HOLD) {
            counters.held.increment(); // settled later from another thread; its fate shows in the data plane counters
        } else {
            counters.dropped.increment();
        }
    }

    /** Step 4: hand the verdicts to the kernel. */
    private void sendVerdicts() {
        try {
            queue.sendVerdicts(batch);
        } catch (ClosedChannelException e) {
            running = false;
        } catch (IOException | RuntimeException e) {
            counters.verdictErrors.increment();
            if (Long.bitCount(counters.verdictErrors.sum()) == 1) { // 1st, 2nd, 4th ... failure
                LOG.log(Level.WARNING, "nfqueue " + queue.queueNumber() + ": verdict send failed", e);
            }
        }
    }

    private void receiveFailed(Exception e) {
        counters.receiveErrors.increment();
        receiveFailures++;
        if (Integer.bitCount(receiveFailures) == 1) {
            LOG.log(Level.WARNING, "nfqueue " + queue.queueNumber() + ": receive failed ("
                    + receiveFailures + " in a row), retrying", e);
        }
        long backoff = MIN_BACKOFF_NANOS << Math.min(receiveFailures - 1, 7);
        LockSupport.parkNanos(Math.min(backoff, MAX_BACKOFF_NANOS));
    }
}
