package net.zcc.agent.management;

import net.zcc.agent.nfqueue.QueueStats;
import net.zcc.jmx.QueueMXBean;

/** One queue worker's counters as {@code zcc:type=Queue,queue=N}. */
public final class QueueStatsBean implements QueueMXBean {
    private final QueueStats q;

    public QueueStatsBean(QueueStats q) {
        this.q = q;
    }

    @Override
    public int getQueueNumber() {
        return q.queueNumber();
    }

    @Override
    public long getReceived() {
        return q.received();
    }

    @Override
    public long getAccepted() {
        return q.accepted();
    }

    @Override
    public long getDropped() {
        return q.dropped();
    }

    @Override
    public long getMalformed() {
        return q.malformed();
    }

    @Override
    public long getReceiveErrors() {
        return q.receiveErrors();
    }

    @Override
    public long getVerdictErrors() {
        return q.verdictErrors();
    }
}
