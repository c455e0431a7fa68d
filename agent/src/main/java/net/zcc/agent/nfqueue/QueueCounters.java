package net.zcc.agent.nfqueue;

import java.util.concurrent.atomic.LongAdder;

/** The writable side of {@link QueueStats}, updated by the one worker thread of a queue. */
final class QueueCounters implements QueueStats {
    final LongAdder received = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder held = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder receiveErrors = new LongAdder();
    final LongAdder verdictErrors = new LongAdder();
    final LongAdder errorMessages = new LongAdder();
    final LongAdder processorErrors = new LongAdder();
    private final int queueNumber;

    QueueCounters(int queueNumber) {
        this.queueNumber = queueNumber;
    }

    @Override
    public int queueNumber() {
        return queueNumber;
    }

    @Override
    public long received() {
        return received.sum();
    }

    @Override
    public long accepted() {
        return accepted.sum();
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public long malformed() {
        return malformed.sum();
    }

    @Override
    public long receiveErrors() {
        return receiveErrors.sum();
    }

    @Override
    public long verdictErrors() {
        return verdictErrors.sum();
    }

    @Override
    public long errorMessages() {
        return errorMessages.sum();
    }

    @Override
    public long processorErrors() {
        return processorErrors.sum();
    }

    @Override
    public String toString() {
        return "queue " + queueNumber + ": received " + received() + ", accepted " + accepted()
                + ", dropped " + dropped() + ", malformed " + malformed() + ", receive errors "
                + receiveErrors() + ", verdict errors " + verdictErrors() + ", error messages "
                + errorMessages() + ", processor errors " + processorErrors();
    }
}
