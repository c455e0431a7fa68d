package net.zcc.agent.nfqueue;

import java.io.IOException;

/**
 * One kernel packet queue, as the rest of the agent sees it: batches of packets in, verdicts
 * out. Implementations: {@link NetlinkPacketQueue} (the kernel) and {@link InMemoryPacketQueue}
 * (tests). One thread uses a queue; only {@link #close()} may come from another thread.
 */
public interface PacketQueue extends AutoCloseable {

    /** The queue number (the NFQUEUE target's --queue-num / --queue-balance member). */
    int queueNumber();

    /** How packets are received, for logs and tests (e.g. "recvmmsg", "recv", "in-memory"). */
    default String receiveMode() {
        return "in-memory";
    }

    /**
     * Clears {@code batch}, waits (bounded, a fraction of a second) for the first packet, then adds
     * whatever else is ready, up to {@code batch.capacity()}. Payload views stay valid until the
     * next receive. Every packet returned must get its verdict through {@link #sendVerdicts}
     * before the next receive.
     *
     * @return the number of packets in the batch; 0 if none came before the wait ended
     * @throws java.nio.channels.ClosedChannelException after {@link #close()}
     * @throws IOException when the receive itself failed; the caller may retry
     */
    int receive(PacketBatch batch) throws IOException;

    /**
     * Sends the verdict of every packet in {@code batch}: first an individual VERDICT for each
     * drop, replaced payload or new mark, then one VERDICT_BATCH accept up to the highest id
     * among the plain accepts (if any). That order matters: a batch verdict settles every
     * earlier id of the queue.
     */
    void sendVerdicts(PacketBatch batch) throws IOException;

    /**
     * Sends the verdict of one packet that {@link QueuedPacket#hold()} kept back. Unlike the
     * other methods this one may be called from any thread, while the queue's own thread
     * receives. Until every held packet of the queue is settled, {@link #sendVerdicts} gives
     * each packet its own VERDICT: a VERDICT_BATCH would settle the held ones too.
     *
     * @throws java.nio.channels.ClosedChannelException after {@link #close()} (the kernel
     *     dropped the packet with the queue)
     * @throws IOException if the send failed; batch verdicts then stay off for this queue
     */
    void sendHeldVerdict(QueuedPacket heldCopy) throws IOException;

    /**
     * Counts one more packet held without a verdict; called by {@link QueuedPacket#hold()} on the
     * queue's thread, before anyone can settle it, so the count can never miss a held packet
     * and let a batch verdict through while one is unsettled. Not for other callers.
     */
    void holdStarted();

    /**
     * Releases the queue; packets still held by the kernel are dropped (no bypass). Safe from
     * another thread: waits at most one receive wait. Idempotent.
     */
    @Override
    void close();
}
