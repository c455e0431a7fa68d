package net.zcc.agent.path;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import net.zcc.agent.keys.KeySource;
import net.zcc.agent.keys.SessionKey;
import net.zcc.agent.nfqueue.PacketProcessor;
import net.zcc.agent.nfqueue.QueuedPacket;
import net.zcc.servicefile.ServiceFile;

/**
 * ZCC's packet processor: every packet the kernel queues passes through here.
 *
 * <pre>
 *  1. receive   the queue worker hands over one packet (nfqueue package)
 *  2. decode    copy into this thread's buffer, parse IPv4/IPv6 + TCP (or ICMP too-big)
 *  3. lookup    the connection, by (peer, local port, peer port); SYNs consult the services
 *  4. seal/open OutboundPath seals what our stack sends, InboundPath opens what the peer sent
 *  5. verdict   pass as is, accept the rewritten packet, or drop and count the reason;
 *               a first SYN whose session key is still being negotiated is held in the kernel
 *               and processed again when the key source answers (hold / release below)
 * </pre>
 *
 * Any exception is a bug: the packet is dropped and counted ({@link DropReason#INTERNAL_ERROR}),
 * never passed unprotected, and the worker goes on.
 */
public final class DataPlane implements PacketProcessor, AutoCloseable {
    private static final Logger LOG = System.getLogger("zcc.dataplane");
    /** SYNs held at once, all queues together; the kernel queue (1024 by default) must not fill with them. */
    public static final int MAX_HELD = 256;

    final ConnectionTable table;
    final KeySource keys;
    final PathCounters counters = new PathCounters();
    final RateLimitedLog events = new RateLimitedLog(LOG, 20);
    final ResetHints resetHints = new ResetHints();
    /** The route MTU to a peer (the kernel's answer in the agent; a constant in tests). */
    final java.util.function.ToIntFunction<byte[]> routeMtu;
    volatile ServiceIndex services = ServiceIndex.empty();
    /**
     * Every service's counters since start, by peer, port and role: a reload keeps them (totals
     * stay monotonic); a service removed from the file keeps its last values. Written at reload
     * only; the queue threads reach a service's counters through the index or the connection.
     */
    private final java.util.concurrent.ConcurrentMap<ServiceCounters.Key, ServiceCounters> traffic =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** PROTOCOL.md 4: under require, a peer the key server has not vouched for this long is refused. */
    private volatile long maxStalenessNanos = DEFAULT_MAX_STALENESS.toNanos();
    public static final java.time.Duration DEFAULT_MAX_STALENESS = java.time.Duration.ofHours(1);
    private final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);
    private final OutboundPath outbound = new OutboundPath(this);
    private final InboundPath inbound = new InboundPath(this);

    /** The mark bit that tells the inbound rules "reflected by the agent, let it in" (0: none). */
    private final int reflectMark;
    private final AtomicInteger heldNow = new AtomicInteger();
    /**
     * Processes released SYNs: one thread, so the key source's completing thread (the relay
     * poll) never runs packet code, and one Worker's buffers serve every release.
     */
    private final ExecutorService releaser = singleThread("zcc-syn-release", 4096);

    public DataPlane(KeySource keys, LongSupplier nanoClock, java.util.function.ToIntFunction<byte[]> routeMtu,
            int reflectMark) {
        this.keys = keys;
        this.reflectMark = reflectMark;
        this.table = new ConnectionTable(nanoClock);
        this.routeMtu = routeMtu;
    }

    /** Swaps in the services of a new configuration; open connections keep theirs. */
    public void apply(ServiceFile file) {
        services = new ServiceIndex(file, s -> {
            ServiceCounters c = traffic.computeIfAbsent(ServiceCounters.Key.of(s), k -> new ServiceCounters(s));
            c.service(s); // the name or options may have changed
            return c;
        });
    }

    /** Every service's counters since start (those of removed services included), then the "(none)" bucket. */
    public java.util.List<ServiceCounters> traffic() {
        java.util.List<ServiceCounters> all = new java.util.ArrayList<>(traffic.values());
        all.sort(java.util.Comparator.comparing(ServiceCounters::name));
        all.add(ServiceCounters.NONE);
        return all;
    }

    /** Sets the staleness bound of {@link #stale}; configured once at start. */
    public void maxStaleness(java.time.Duration bound) {
        maxStalenessNanos = bound.toNanos();
    }

    /** True if the key server has not vouched for this connection's peer within the bound. */
    boolean stale(FlowKey key) {
        return keys.sinceVouched(OutboundPath.address(key)).toNanos() > maxStalenessNanos;
    }

    public PathCounters counters() {
        return counters;
    }

    public ConnectionTable connections() {
        return table;
    }

    @Override
    public void process(QueuedPacket packet) {
        Worker w = workers.get();
        ByteBuffer in = packet.payload().duplicate();
        int len = in.remaining();
        if (len > w.buf.length - net.zcc.agent.wire.TcpPacket.MAX_GROWTH) {
            drop(packet, DropReason.MALFORMED);
            return;
        }
        in.get(w.buf, 0, len);
        w.icmpRewritten = false;
        w.reflected = false;
        w.service = ServiceCounters.NONE;
        Action a;
        try {
            a = packet.hook() == QueuedPacket.HOOK_LOCAL_OUT
                    ? outbound.handle(w, len)
                    : inbound.handle(w, len);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "packet processor failed; packet dropped", e);
            countDrop(w, DropReason.INTERNAL_ERROR);
            a = Action.DROP;
        }
        switch (a) {
            case PASS -> {
                packet.accept();
            }
            // A copy: the verdicts of a whole batch go out after every packet of it was processed,
            // and the worker's buffer already holds the next packet by then.
            case REWRITE -> {
                packet.acceptReplaced(ByteBuffer.wrap(
                        java.util.Arrays.copyOf(w.buf, w.icmpRewritten ? len : w.tcp.totalLength())));
                if (w.reflected) {
                    packet.setMark(packet.mark() | reflectMark);
                }
            }
            case DROP -> packet.drop();
            case HOLD -> hold(packet, w.pendingKey, w.service);
        }
        w.pendingKey = null;
    }

    /** SYNs waiting in the kernel for their key right now. */
    public int heldNow() {
        return heldNow.get();
    }

    /**
     * Holds a first SYN without a verdict until its key is known, then runs it through the
     * outbound path again with that answer and sends its verdict. A packet that cannot be held
     * (the hold is full, or it came from no queue) is dropped: TCP sends the SYN again.
     */
    private void hold(QueuedPacket packet, CompletableFuture<Optional<SessionKey>> key, ServiceCounters service) {
        if (heldNow.incrementAndGet() > MAX_HELD) {
            heldNow.decrementAndGet();
            service.drop(DropReason.HOLD_FULL);
            drop(packet, DropReason.HOLD_FULL);
            return;
        }
        QueuedPacket copy;
        try {
            copy = packet.hold();
        } catch (IllegalStateException e) {
            heldNow.decrementAndGet();
            service.drop(DropReason.HOLD_FULL);
            drop(packet, DropReason.HOLD_FULL);
            return;
        }
        counters.synsHeld.increment();
        service.heldSyns.increment();
        long since = System.nanoTime();
        key.whenCompleteAsync((k, failure) -> release(copy, k == null ? Optional.empty() : k, since), releaser);
    }

    private void release(QueuedPacket copy, Optional<SessionKey> key, long since) {
        Worker w = workers.get();
        w.resolvedKey = key;
        try {
            process(copy); // catches its own failures: the copy then carries DROP
        } catch (Throwable t) {
            copy.drop();
            countDrop(w, DropReason.INTERNAL_ERROR);
        } finally {
            w.resolvedKey = null;
            w.pendingKey = null;
            heldNow.decrementAndGet();
        }
        counters.held(System.nanoTime() - since);
        try {
            copy.sendHeldVerdict();
        } catch (java.io.IOException | RuntimeException e) {
            // Not settled: the queue keeps batch verdicts off, so the packet can never go out
            // unchanged; the kernel drops it when the queue closes.
            events.info("verdict for a held SYN not sent: {0}", e.toString());
        }
    }

    /** A daemon thread with a bounded queue that discards what it cannot take (shutdown included). */
    private static ExecutorService singleThread(String name, int queue) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /** Stops releasing held SYNs; the kernel drops what is still held when its queue closes. */
    @Override
    public void close() {
        releaser.shutdownNow();
    }

    private void drop(QueuedPacket p, DropReason r) {
        counters.drop(r);
        p.drop();
    }

    /** Counts a drop and returns {@link Action#DROP}: paths end with {@code return drop(w, ...)}. */
    Action drop(Worker w, DropReason r) {
        countDrop(w, r);
        return Action.DROP;
    }

    /** Counts a drop in the plane's totals and in the counters of the packet's service. */
    void countDrop(Worker w, DropReason r) {
        counters.drop(r);
        w.service.drop(r);
    }

    long now() {
        return table.now();
    }
}
