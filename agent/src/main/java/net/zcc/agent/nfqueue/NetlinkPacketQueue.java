package net.zcc.agent.nfqueue;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link PacketQueue} over an nfnetlink_queue socket. Setup binds the queue, copies whole
 * packets, never sets F_FAIL_OPEN (a full queue drops), and waits for the kernel to
 * acknowledge each setting, so a refused bind (EBUSY, EPERM) fails {@link #open} loudly.
 *
 * <p>Receive buffer: one direct buffer cut into {@code batchSize} slots of one datagram each;
 * packet payloads are views into their slot. One recvmmsg(MSG_WAITFORONE) fills the slots
 * (the recv loop of {@link Config#multiReceive} false is kept as a fallback). Verdicts of a
 * batch go out in one datagram.
 */
public final class NetlinkPacketQueue implements PacketQueue {
    private static final System.Logger LOG = System.getLogger(NetlinkPacketQueue.class.getName());
    /** Room for the netlink, nfgenmsg and metadata attributes in front of a full payload. */
    private static final int SLOT_OVERHEAD = 1024;
    /** Below the default netlink sndbuf (212992), which caps one send. */
    private static final int SEND_BUFFER = 128 * 1024;
    /** One VERDICT with a whole replaced packet (64 KiB) and its headers. */
    private static final int HELD_SEND_BUFFER = 68 * 1024;

    /**
     * Tuning of one queue.
     *
     * @param copyRange      bytes of each packet copied to us (at most 65531)
     * @param maxLen         packets the kernel holds for us before it drops new ones
     * @param batchSize      packets per receive, and receive slots allocated
     * @param gso            NFQA_CFG_F_GSO: take unsegmented super-packets (callers must cope)
     * @param receiveBuffer  socket receive buffer in bytes (SO_RCVBUFFORCE)
     * @param receiveTimeout longest blocking wait, so close() and stop() are noticed
     * @param multiReceive   receive with one recvmmsg(MSG_WAITFORONE) per batch; false, or
     *                       recvmmsg missing (ENOSYS), uses a blocking recv then MSG_DONTWAIT
     *                       recvs until EAGAIN (one syscall more per batch)
     */
    public record Config(int copyRange, int maxLen, int batchSize, boolean gso, int receiveBuffer,
                         Duration receiveTimeout, boolean multiReceive) {
        /** System property that turns recvmmsg off in {@link #defaults()} ("false"). */
        public static final String MULTI_RECEIVE_PROPERTY = "zcc.nfqueue.recvmmsg";

        public Config {
            if (copyRange < 1 || copyRange > NfqProto.MAX_COPY_RANGE || maxLen < 1 || batchSize < 1
                    || receiveBuffer < 1 || receiveTimeout.isNegative() || receiveTimeout.isZero()) {
                throw new IllegalArgumentException("bad queue config: " + this);
            }
        }

        /** With recvmmsg on. */
        public Config(int copyRange, int maxLen, int batchSize, boolean gso, int receiveBuffer,
                      Duration receiveTimeout) {
            this(copyRange, maxLen, batchSize, gso, receiveBuffer, receiveTimeout, true);
        }

        /** recvmmsg on unless the system property {@value #MULTI_RECEIVE_PROPERTY} is "false". */
        public static Config defaults() {
            boolean multi = !"false".equalsIgnoreCase(System.getProperty(MULTI_RECEIVE_PROPERTY, "true").trim());
            return new Config(NfqProto.MAX_COPY_RANGE, 4096, 64, false, 8 << 20, Duration.ofMillis(200), multi);
        }

        public Config withMultiReceive(boolean on) {
            return new Config(copyRange, maxLen, batchSize, gso, receiveBuffer, receiveTimeout, on);
        }
    }

    private final int queue;
    private final NetlinkSocket socket;
    private final ReentrantLock lock = new ReentrantLock();
    private final int slotSize;
    private final ByteBuffer receiveArea;
    private final NetlinkSocket.Region[] slots;
    private final ByteBuffer[] views;
    private final DatagramDecoder decoder;
    private final VerdictWriter writer;
    /** Held packets' verdicts come from other threads: their own buffer, lock and writer. */
    private final ReentrantLock heldLock = new ReentrantLock();
    private final VerdictWriter heldWriter;
    /** Held packets not yet settled (or whose verdict failed to send): no batch verdicts while > 0. */
    private final java.util.concurrent.atomic.AtomicInteger unsettledHolds = new java.util.concurrent.atomic.AtomicInteger();
    /** Null when receiving with the recv loop (configured, or recvmmsg unavailable). */
    private volatile NetlinkSocket.MessageVector vector;
    private volatile boolean closed;

    private NetlinkPacketQueue(int queue, Config config, NetlinkSocket socket) {
        this.queue = queue;
        this.socket = socket;
        this.slotSize = Wire.align4(config.copyRange() + SLOT_OVERHEAD);
        this.receiveArea = ByteBuffer.allocateDirect(slotSize * config.batchSize());
        this.slots = new NetlinkSocket.Region[config.batchSize()];
        this.views = new ByteBuffer[config.batchSize()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = NetlinkSocket.region(receiveArea, i * slotSize, slotSize);
            views[i] = receiveArea.duplicate();
        }
        this.decoder = new DatagramDecoder(queue, receiveArea.duplicate());
        ByteBuffer sendArea = ByteBuffer.allocateDirect(SEND_BUFFER);
        NetlinkSocket.Region sendRegion = NetlinkSocket.region(sendArea, 0, SEND_BUFFER);
        this.writer = new VerdictWriter(queue, sendArea, len -> socket.send(sendRegion, len));
        ByteBuffer heldArea = ByteBuffer.allocateDirect(HELD_SEND_BUFFER);
        NetlinkSocket.Region heldRegion = NetlinkSocket.region(heldArea, 0, HELD_SEND_BUFFER);
        this.heldWriter = new VerdictWriter(queue, heldArea, len -> socket.send(heldRegion, len));
        if (config.multiReceive()) {
            if (socket.probeReceiveMany()) {
                this.vector = NetlinkSocket.vector(slots);
            } else {
                LOG.log(Level.WARNING, "nfqueue {0}: recvmmsg unavailable, using recv", queue);
            }
        }
    }

    /** Opens and binds queue {@code queueNum}; needs CAP_NET_ADMIN in the current netns. */
    public static NetlinkPacketQueue open(int queueNum, Config config) throws IOException {
        if (queueNum < 0 || queueNum > 0xffff) {
            throw new IllegalArgumentException("queue number out of range: " + queueNum);
        }
        NetlinkSocket s = NetlinkSocket.open(NfqProto.NETLINK_NETFILTER);
        try {
            s.setReceiveBuffer(config.receiveBuffer());
            s.setNoEnobufs();
            s.setReceiveTimeout(config.receiveTimeout());
            NetlinkPacketQueue q = new NetlinkPacketQueue(queueNum, config, s);
            new QueueBinder(q.queue, s).bind(config);
            LOG.log(Level.INFO, "nfqueue {0} bound, receive with {1}: {2}", queueNum, q.receiveMode(), config);
            return q;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public int queueNumber() {
        return queue;
    }

    /** "recvmmsg" or "recv" (the blocking recv + MSG_DONTWAIT drain loop). */
    @Override
    public String receiveMode() {
        return vector != null ? "recvmmsg" : "recv";
    }

    @Override
    public int receive(PacketBatch batch) throws IOException {
        batch.clear();
        lock.lock();
        try {
            ensureOpen();
            int limit = Math.min(batch.capacity(), slots.length);
            NetlinkSocket.MessageVector v = vector;
            if (v != null) {
                try {
                    return receiveMany(v, limit, batch);
                } catch (NetlinkSocket.UnsupportedCallException e) {
                    vector = null;
                    LOG.log(Level.WARNING, "nfqueue {0}: {1}; falling back to recv", queue, e.getMessage());
                }
            }
            return receiveLoop(limit, batch);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One recvmmsg: blocks for the first datagram only and returns with what else was ready,
     * datagram i in slot i. One syscall for a lone packet, as a plain recv loop.
     */
    private int receiveMany(NetlinkSocket.MessageVector v, int limit, PacketBatch batch) throws IOException {
        int n = socket.receiveMany(v, limit);
        for (int i = 0; i < n; i++) {
            decoder.decode(i * slotSize, v.received(i), slotSize, views[i], batch);
        }
        return batch.size();
    }

    /** Blocking recv for the first datagram, then MSG_DONTWAIT recvs until EAGAIN or full. */
    private int receiveLoop(int limit, PacketBatch batch) throws IOException {
        int slot = 0;
        boolean dontWait = false;
        while (slot < limit && !batch.isFull()) {
            int n = receiveOne(slot, dontWait, batch);
            if (n < 0) {
                break; // receive timeout, or drained
            }
            dontWait = true;
            int before = batch.size();
            decoder.decode(slot * slotSize, n, slotSize, views[slot], batch);
            if (batch.size() > before) {
                slot++; // payload views point into this slot: keep it
            }
        }
        return batch.size();
    }

    /**
     * A failure after packets were taken ends the drain instead of failing the receive: those
     * packets must reach the processor and get verdicts. The error shows again next time.
     */
    private int receiveOne(int slot, boolean dontWait, PacketBatch batch) throws IOException {
        try {
            return socket.receive(slots[slot], dontWait);
        } catch (IOException e) {
            if (batch.size() == 0) {
                throw e;
            }
            return -1;
        }
    }

    @Override
    public void sendVerdicts(PacketBatch batch) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            // Held packets were counted when held (this batch's included): no batch verdict while any is unsettled.
            writer.write(batch, decoder.batchVerdictsAllowed() && unsettledHolds.get() == 0);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void holdStarted() {
        unsettledHolds.incrementAndGet();
    }

    @Override
    public void sendHeldVerdict(QueuedPacket heldCopy) throws IOException {
        heldLock.lock();
        try {
            ensureOpen();
            heldWriter.writeHeld(heldCopy);
            // Only a verdict that went out settles the hold; after a failed send the packet may
            // still sit in the kernel, and a batch verdict must never accept it unchanged.
            unsettledHolds.decrementAndGet();
        } finally {
            heldLock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock(); // waits for a receive in progress: at most one receive timeout
        heldLock.lock(); // and for a held packet's verdict being sent: the fd must not be reused under it
        try {
            socket.close();
        } finally {
            heldLock.unlock();
            lock.unlock();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }
}
