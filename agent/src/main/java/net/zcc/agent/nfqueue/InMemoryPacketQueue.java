package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PacketQueue} without a kernel, for unit tests. It keeps the kernel's rules: ids
 * count up from 1, a packet is held from injection until a verdict settles it, VERDICT_BATCH
 * settles every held id at or before its id, and a packet without a readable id turns batch
 * verdicts off, as {@link NetlinkPacketQueue} does. Tests inject raw IP packets and read back
 * the verdict messages and the fate of each packet.
 */
public final class InMemoryPacketQueue implements PacketQueue {
    /** One verdict message as the kernel would have received it. */
    public record SentVerdict(boolean batch, int packetId, QueuedPacket.Verdict verdict,
                              byte[] replacement, Integer mark) {
    }

    /** The fate of one packet: what went on (the original or the replacement), or null if dropped. */
    public record Settled(int packetId, QueuedPacket.Verdict verdict, byte[] packet) {
    }

    private record Injected(int id, byte[] packet, int hook, int mark, boolean malformed, boolean idReadable) {
    }

    private final int queueNumber;
    private final Duration wait;
    private final LinkedBlockingQueue<Injected> incoming = new LinkedBlockingQueue<>();
    private final Map<Integer, byte[]> held = new LinkedHashMap<>();
    private final List<SentVerdict> sent = new ArrayList<>();
    private final List<Settled> settled = new ArrayList<>();
    private final List<IOException> receiveFailures = new ArrayList<>();
    private int nextId = 1;
    private boolean batchVerdicts = true;
    private int unsettledHolds;
    private volatile boolean closed;

    /** @param wait how long {@link #receive} blocks for the first packet */
    public InMemoryPacketQueue(int queueNumber, Duration wait) {
        this.queueNumber = queueNumber;
        this.wait = wait;
    }

    /** Queues an IPv4 packet from PRE_ROUTING without a mark; returns its id. */
    public int inject(byte[] ipPacket) {
        return inject(ipPacket, QueuedPacket.HOOK_PRE_ROUTING, 0);
    }

    public synchronized int inject(byte[] ipPacket, int hook, int mark) {
        return add(ipPacket.clone(), hook, mark, false, true);
    }

    /**
     * Simulates a kernel message that fails a check; with {@code idReadable} the packet arrives
     * preset to DROP, without it only the counter shows it (and batch verdicts turn off).
     */
    public synchronized int injectMalformed(boolean idReadable) {
        return add(new byte[0], QueuedPacket.HOOK_PRE_ROUTING, 0, true, idReadable);
    }

    /** The next receive throws {@code e}. */
    public synchronized void failNextReceive(IOException e) {
        receiveFailures.add(e);
    }

    public synchronized List<SentVerdict> sentVerdicts() {
        return List.copyOf(sent);
    }

    public synchronized List<Settled> settled() {
        return List.copyOf(settled);
    }

    /** Packets injected and not yet settled by any verdict. */
    public synchronized int heldCount() {
        return held.size();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public int queueNumber() {
        return queueNumber;
    }

    @Override
    public int receive(PacketBatch batch) throws IOException {
        batch.clear();
        if (closed) {
            throw new ClosedChannelException();
        }
        synchronized (this) {
            if (!receiveFailures.isEmpty()) {
                throw receiveFailures.remove(0);
            }
        }
        Injected first = poll(true);
        for (Injected i = first; i != null; i = batch.isFull() ? null : poll(false)) {
            deliver(i, batch);
        }
        return batch.size();
    }

    @Override
    public synchronized void sendVerdicts(PacketBatch batch) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        int maxAccept = 0;
        boolean anyAccept = false;
        for (int i = 0; i < batch.size(); i++) {
            QueuedPacket p = batch.get(i);
            if (p.isHeld()) {
                continue;
            }
            if (p.needsOwnVerdict() || !batchVerdicts || unsettledHolds > 0) {
                own(p);
            } else if (!anyAccept || NfqProto.idAfter(p.packetId(), maxAccept)) {
                anyAccept = true;
                maxAccept = p.packetId();
            }
        }
        if (anyAccept) {
            sent.add(new SentVerdict(true, maxAccept, QueuedPacket.Verdict.ACCEPT, null, null));
            settleUpTo(maxAccept);
        }
    }

    @Override
    public synchronized void holdStarted() {
        unsettledHolds++;
    }

    @Override
    public synchronized void sendHeldVerdict(QueuedPacket heldCopy) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        own(heldCopy);
        unsettledHolds--;
    }

    /** Drops every held packet, as the kernel does when the socket goes. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            held.forEach((id, pkt) -> settled.add(new Settled(id, QueuedPacket.Verdict.DROP, null)));
            held.clear();
        }
    }

    private int add(byte[] packet, int hook, int mark, boolean malformed, boolean idReadable) {
        int id = nextId++;
        held.put(id, packet);
        incoming.add(new Injected(id, packet, hook, mark, malformed, idReadable));
        return id;
    }

    private Injected poll(boolean block) throws IOException {
        try {
            return block ? incoming.poll(wait.toNanos(), TimeUnit.NANOSECONDS) : incoming.poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private synchronized void deliver(Injected i, PacketBatch batch) {
        if (i.malformed() && !i.idReadable()) {
            batch.countMalformed();
            batchVerdicts = false;
            return;
        }
        QueuedPacket p = batch.append();
        p.setHeader(i.id(), 0x0800, i.hook());
        if (i.mark() != 0) {
            p.setMarkFromKernel(i.mark());
        }
        p.setPayload(ByteBuffer.wrap(i.packet().clone()), 0, i.packet().length);
        if (i.malformed()) {
            batch.countMalformed();
            p.markMalformed();
        }
    }

    private void own(QueuedPacket p) {
        ByteBuffer r = p.verdict() == QueuedPacket.Verdict.ACCEPT ? p.replacement() : null;
        byte[] replacement = r == null ? null : bytes(r);
        sent.add(new SentVerdict(false, p.packetId(), p.verdict(), replacement,
                p.newMarkSet() ? p.newMark() : null));
        byte[] original = held.remove(p.packetId());
        if (original == null) {
            return; // the kernel answers ENOENT; nothing is settled
        }
        byte[] out = p.verdict() == QueuedPacket.Verdict.DROP ? null : replacement != null ? replacement : original;
        settled.add(new Settled(p.packetId(), p.verdict(), out));
    }

    private void settleUpTo(int id) {
        for (Iterator<Map.Entry<Integer, byte[]>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, byte[]> e = it.next();
            if (!NfqProto.idAfter(e.getKey(), id)) {
                settled.add(new Settled(e.getKey(), QueuedPacket.Verdict.ACCEPT, e.getValue()));
                it.remove();
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
