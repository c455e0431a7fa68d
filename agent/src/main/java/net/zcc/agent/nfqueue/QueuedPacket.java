package net.zcc.agent.nfqueue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One packet the kernel holds until we give a verdict. Objects are reused from batch to batch:
 * do not keep a reference, or a payload view, beyond the processing of the current batch.
 *
 * <p>The verdict starts as DROP, so a processor that decides nothing fails closed.
 */
public final class QueuedPacket {
    /**
     * What happens to the packet. A replaced payload or a new mark is an ACCEPT variant. HOLD
     * gives no verdict now: the packet waits in the kernel until {@link #hold()}'s copy is settled.
     */
    public enum Verdict { ACCEPT, DROP, HOLD }

    /** Netfilter hook numbers (enum nf_inet_hooks) as reported in {@link #hook()}. */
    public static final int HOOK_PRE_ROUTING = 0;
    public static final int HOOK_LOCAL_IN = 1;
    public static final int HOOK_FORWARD = 2;
    public static final int HOOK_LOCAL_OUT = 3;
    public static final int HOOK_POST_ROUTING = 4;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private int packetId;
    private boolean hasId;
    private int hwProtocol;
    private int hook;
    private int mark;
    private boolean hasMark;
    private int originalLength;
    private ByteBuffer payload = EMPTY;
    private boolean malformed;

    /** The queue that delivered this packet; null for a batch made without one (some tests). */
    private PacketQueue origin;
    /** True for the copy {@link #hold()} returns: it outlives the batch and is settled alone. */
    private boolean detached;

    private Verdict verdict = Verdict.DROP;
    private ByteBuffer replacement;
    private boolean newMarkSet;
    private int newMark;

    QueuedPacket() {
    }

    /** Kernel packet id (u32, wraps), unique per queue. */
    public int packetId() {
        return packetId;
    }

    /** Netfilter hook the packet was queued from, e.g. {@link #HOOK_PRE_ROUTING}. */
    public int hook() {
        return hook;
    }

    /** Link-layer protocol (ETH_P_IP 0x0800, ETH_P_IPV6 0x86dd); 0 on some hooks. */
    public int hwProtocol() {
        return hwProtocol;
    }

    /** Packet mark (skb->mark); 0 when the kernel sent none. */
    public int mark() {
        return mark;
    }

    public boolean hasMark() {
        return hasMark;
    }

    /**
     * The packet from its network header on: bytes position() .. limit(), big-endian.
     * A view into the receive buffer, valid until the next receive on the queue.
     */
    public ByteBuffer payload() {
        return payload;
    }

    public int payloadLength() {
        return payload.remaining();
    }

    /** Length of the packet on the wire; larger than payloadLength() if copy_range cut it. */
    public int originalLength() {
        return originalLength;
    }

    /** True when the payload is the whole packet; only a whole packet may be replaced. */
    public boolean isComplete() {
        return originalLength == payload.remaining();
    }

    /** Let the packet continue unchanged. */
    public void accept() {
        verdict = Verdict.ACCEPT;
        replacement = null;
    }

    /** Discard the packet. */
    public void drop() {
        verdict = Verdict.DROP;
        replacement = null;
    }

    /**
     * Let the packet continue with {@code newPayload}'s remaining bytes instead (it may be the
     * payload view itself, changed in place). The buffer must stay untouched until the
     * verdicts are sent.
     */
    public void acceptReplaced(ByteBuffer newPayload) {
        verdict = Verdict.ACCEPT;
        replacement = Objects.requireNonNull(newPayload, "newPayload");
    }

    /**
     * Keeps the packet in the kernel without a verdict (NFQUEUE lets verdicts come in any
     * order) and returns a copy that outlives this batch: set the copy's verdict later, from
     * any thread, and settle it with {@link #sendHeldVerdict()}. Used to hold a SYN while its
     * session key is being negotiated. While any packet is held, its queue gives every packet
     * its own verdict, because a batch verdict would settle the held one too.
     *
     * @throws IllegalStateException if this packet came from no queue or is itself a held copy
     */
    public QueuedPacket hold() {
        if (origin == null || detached) {
            throw new IllegalStateException("only a packet of a queue's batch can be held");
        }
        verdict = Verdict.HOLD;
        replacement = null;
        newMarkSet = false;
        origin.holdStarted();
        QueuedPacket copy = new QueuedPacket();
        copy.setHeader(packetId, hwProtocol, hook);
        if (hasMark) {
            copy.setMarkFromKernel(mark);
        }
        copy.originalLength = originalLength;
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        copy.payload = ByteBuffer.wrap(bytes);
        copy.origin = origin;
        copy.detached = true;
        return copy;
    }

    /**
     * Sends the verdict set on a copy from {@link #hold()} to the kernel. Thread-safe.
     *
     * @throws IOException if the verdict could not be sent (the queue keeps giving individual
     *     verdicts then, so the packet can never be accepted unchanged by a later batch verdict)
     */
    public void sendHeldVerdict() throws java.io.IOException {
        if (!detached || verdict == Verdict.HOLD) {
            throw new IllegalStateException("not a held copy with a verdict");
        }
        origin.sendHeldVerdict(this);
    }

    /** True for a copy returned by {@link #hold()}. */
    public boolean isHeldCopy() {
        return detached;
    }

    /** Sets skb->mark together with the verdict. */
    public void setMark(int value) {
        newMarkSet = true;
        newMark = value;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** The replacement payload, or null when the packet is kept as it is. */
    public ByteBuffer replacement() {
        return replacement;
    }

    public boolean newMarkSet() {
        return newMarkSet;
    }

    public int newMark() {
        return newMark;
    }

    /** True for a packet whose kernel message failed a check; it is dropped unprocessed. */
    public boolean isMalformed() {
        return malformed;
    }

    /** A plain accept can ride in a VERDICT_BATCH; anything else needs its own VERDICT (or none: HOLD). */
    boolean needsOwnVerdict() {
        return verdict != Verdict.ACCEPT || replacement != null || newMarkSet;
    }

    boolean isHeld() {
        return verdict == Verdict.HOLD;
    }

    void setOrigin(PacketQueue queue) {
        origin = queue;
    }

    boolean hasId() {
        return hasId;
    }

    void reset() {
        hasId = false;
        detached = false;
        hwProtocol = 0;
        hook = 0;
        mark = 0;
        hasMark = false;
        originalLength = -1;
        payload = EMPTY;
        malformed = false;
        verdict = Verdict.DROP;
        replacement = null;
        newMarkSet = false;
        newMark = 0;
    }

    void setHeader(int id, int hwProto, int hookNum) {
        packetId = id;
        hasId = true;
        hwProtocol = hwProto;
        hook = hookNum;
    }

    void setMarkFromKernel(int value) {
        mark = value;
        hasMark = true;
    }

    void setOriginalLength(int len) {
        originalLength = len;
    }

    /** Points the payload at view[from, to); the view object is reused, not copied. */
    void setPayload(ByteBuffer view, int from, int to) {
        view.order(ByteOrder.BIG_ENDIAN).limit(to).position(from);
        payload = view;
        if (originalLength < 0) {
            originalLength = to - from;
        }
    }

    void markMalformed() {
        malformed = true;
        drop();
    }
}
