package net.zcc.agent.nfqueue;

/** Read-only counters of one queue worker; monotonic, safe to read from any thread. */
public interface QueueStats {
    int queueNumber();

    /** Packets received, malformed ones with a readable id included. */
    long received();

    long accepted();

    /** Packets dropped for any reason: processor verdict, processor failure, malformed. */
    long dropped();

    /** Kernel messages that failed a check. */
    long malformed();

    /** Failed receive calls (each retried after a bounded backoff). */
    long receiveErrors();

    /** Failed verdict sends; the kernel keeps those packets until the queue closes. */
    long verdictErrors();

    /** NLMSG_ERROR messages from the kernel, e.g. a verdict for an unknown id. */
    long errorMessages();

    /** Packets dropped because the processor threw. */
    long processorErrors();
}
