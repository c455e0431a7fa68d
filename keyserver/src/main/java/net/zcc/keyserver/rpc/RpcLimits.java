package net.zcc.keyserver.rpc;

/**
 * Size and nesting limits applied to every XML-RPC request before and while it is parsed.
 *
 * @param maxRequestBytes largest request body accepted, counted after any gzip decoding;
 *     larger ones get HTTP 413 and are never parsed
 * @param maxValueDepth deepest nesting of {@code <value>} elements (arrays and structs)
 */
public record RpcLimits(int maxRequestBytes, int maxValueDepth) {

    /** 64 KiB and 16 levels: a key lookup or relay message is a few hundred bytes, 2 levels deep. */
    public static final RpcLimits DEFAULT = new RpcLimits(64 * 1024, 16);

    /** Checks that both limits are positive. */
    public RpcLimits {
        if (maxRequestBytes <= 0 || maxValueDepth <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxRequestBytes + ", " + maxValueDepth);
        }
    }
}
