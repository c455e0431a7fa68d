package net.zcc.jmx;

/** One NFQUEUE worker ({@code zcc:type=Queue,queue=N}): what the kernel handed it. */
public interface QueueMXBean {
    String OBJECT_NAME_PREFIX = "zcc:type=Queue,queue=";

    int getQueueNumber();

    long getReceived();

    long getAccepted();

    long getDropped();

    /** Kernel messages that failed a check (never crash, always counted). */
    long getMalformed();

    long getReceiveErrors();

    long getVerdictErrors();
}
