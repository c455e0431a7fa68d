package net.zcc.agent.path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.nfqueue.InMemoryPacketQueue;
import net.zcc.agent.nfqueue.PacketBatch;
import net.zcc.agent.nfqueue.QueuedPacket;
import net.zcc.servicefile.ServiceFile;

/** One whole agent behind the in-memory queue twin: packets go in as the kernel would queue them. */
final class SimHost {
    final DataPlane dp;
    private final InMemoryPacketQueue queue = new InMemoryPacketQueue(0, Duration.ofMillis(5));
    final InMemoryPacketQueue queueView() {
        return queue;
    }

    private final PacketBatch batch = new PacketBatch(16, queue);

    SimHost(KeySource keys, ServiceFile services) {
        this(keys, services, 1500);
    }

    /** A host whose route to its peers has the given MTU. */
    SimHost(KeySource keys, ServiceFile services, int routeMtu) {
        dp = new DataPlane(keys, System::nanoTime, peer -> routeMtu, 0x00200000);
        dp.apply(services);
    }

    /** What the agent lets out of this host for a segment its stack sent, or null if dropped. */
    byte[] send(byte[] packet) {
        return through(packet, QueuedPacket.HOOK_LOCAL_OUT);
    }

    /** What this host's stack receives for a segment from the wire, or null if dropped. */
    byte[] receive(byte[] packet) {
        return through(packet, QueuedPacket.HOOK_PRE_ROUTING);
    }

    /** Several segments queued together, as GSO segmentation hands them over: one batch, one verdict pass. */
    java.util.List<byte[]> sendBatch(java.util.List<byte[]> packets) {
        try {
            java.util.List<Integer> ids = new java.util.ArrayList<>();
            for (byte[] p : packets) {
                ids.add(queue.inject(p.clone(), QueuedPacket.HOOK_LOCAL_OUT, 0));
            }
            int n = queue.receive(batch);
            for (int i = 0; i < n; i++) {
                dp.process(batch.get(i));
            }
            queue.sendVerdicts(batch);
            java.util.List<byte[]> out = new java.util.ArrayList<>();
            for (int id : ids) {
                queue.settled().stream().filter(s -> s.packetId() == id).findFirst()
                        .ifPresent(s -> out.add(s.verdict() == QueuedPacket.Verdict.ACCEPT ? s.packet() : null));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Queues a segment our stack sends and processes it; returns its packet id without waiting
     * for a verdict (a first SYN may be held). See {@link #settledWithin}.
     */
    int sendNoWait(byte[] packet) {
        return noWait(packet, QueuedPacket.HOOK_LOCAL_OUT);
    }

    /** As {@link #sendNoWait}, for a segment from the wire. */
    int receiveNoWait(byte[] packet) {
        return noWait(packet, QueuedPacket.HOOK_PRE_ROUTING);
    }

    private int noWait(byte[] packet, int hook) {
        try {
            int id = queue.inject(packet.clone(), hook, 0);
            int n = queue.receive(batch);
            for (int i = 0; i < n; i++) {
                dp.process(batch.get(i));
            }
            queue.sendVerdicts(batch);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fate of packet {@code id} once settled, waiting at most {@code millis}; null if still held. */
    InMemoryPacketQueue.Settled settledWithin(int id, long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        do {
            for (InMemoryPacketQueue.Settled s : queue.settled()) {
                if (s.packetId() == id) {
                    return s;
                }
            }
            Thread.sleep(1);
        } while (System.nanoTime() < until);
        return null;
    }

    private byte[] through(byte[] packet, int hook) {
        try {
            int id = queue.inject(packet.clone(), hook, 0);
            int n = queue.receive(batch);
            for (int i = 0; i < n; i++) {
                dp.process(batch.get(i));
            }
            queue.sendVerdicts(batch);
            for (InMemoryPacketQueue.Settled s : queue.settled()) {
                if (s.packetId() == id) {
                    return s.verdict() == QueuedPacket.Verdict.ACCEPT ? s.packet() : null;
                }
            }
            throw new IllegalStateException("packet " + id + " was never settled");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long drops(DropReason r) {
        return dp.counters().drops(r);
    }
}
