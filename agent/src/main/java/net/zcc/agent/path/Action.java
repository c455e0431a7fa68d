package net.zcc.agent.path;

/** What a path decided for one packet; drops also name their {@link DropReason}. */
enum Action {
    /** Hand the packet on as it came. */
    PASS,
    /** Hand on the rewritten packet in the worker's buffer. */
    REWRITE,
    /** Drop it (the reason was counted where the decision was made). */
    DROP,
    /** Keep it in the kernel until the key in {@code Worker.pendingKey} is known (a first SYN). */
    HOLD
}
