package net.zcc.agent.nfqueue;

/**
 * Decides the verdict of one packet by calling {@link QueuedPacket#accept()},
 * {@link QueuedPacket#drop()} or {@link QueuedPacket#acceptReplaced}; a packet left alone is
 * dropped. One instance may serve several queues, so it is called from several threads.
 * A RuntimeException drops the packet and is counted; it does not stop the queue.
 */
@FunctionalInterface
public interface PacketProcessor {
    void process(QueuedPacket packet);
}
