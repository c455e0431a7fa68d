package net.zcc.agent.nfqueue;

/**
 * The packets of one receive, reused from receive to receive so the packet path allocates
 * nothing. Also carries what the receive saw besides packets (malformed messages, kernel error
 * messages) so the loop can count them.
 */
public final class PacketBatch {
    private final QueuedPacket[] packets;
    private final PacketQueue origin;
    private int size;
    private int malformed;
    private int errorMessages;

    /** @param capacity the most packets one receive may return */
    public PacketBatch(int capacity) {
        this(capacity, null);
    }

    /**
     * A batch for {@code origin}'s packets, which can then be held
     * ({@link QueuedPacket#hold()}).
     */
    public PacketBatch(int capacity, PacketQueue origin) {
        this.origin = origin;
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        packets = new QueuedPacket[capacity];
        for (int i = 0; i < capacity; i++) {
            packets[i] = new QueuedPacket();
        }
    }

    public int capacity() {
        return packets.length;
    }

    /** Packets in this batch, malformed ones (which are dropped) included. */
    public int size() {
        return size;
    }

    public QueuedPacket get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return packets[i];
    }

    /** Kernel messages of the last receive that failed a check (with or without a packet id). */
    public int malformedCount() {
        return malformed;
    }

    /** NLMSG_ERROR messages with a non-zero error seen by the last receive. */
    public int errorMessageCount() {
        return errorMessages;
    }

    public boolean isFull() {
        return size == packets.length;
    }

    void clear() {
        size = 0;
        malformed = 0;
        errorMessages = 0;
    }

    /** Takes the next slot, reset; the caller checks {@link #isFull()} first. */
    QueuedPacket append() {
        QueuedPacket p = packets[size++];
        p.reset();
        p.setOrigin(origin);
        return p;
    }

    /** Gives back the slot taken last (a message that turned out not to be a usable packet). */
    void removeLast() {
        size--;
    }

    void countMalformed() {
        malformed++;
    }

    void countErrorMessage() {
        errorMessages++;
    }
}
