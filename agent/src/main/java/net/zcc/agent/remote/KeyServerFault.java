package net.zcc.agent.remote;

import java.io.IOException;

/**
 * The key server answered a call with an XML-RPC fault: it was reached and refused. An
 * {@link IOException} so callers that do not care treat it like any failure to get an answer.
 */
public final class KeyServerFault extends IOException {

    private static final long serialVersionUID = 1L;
    private final String method;
    private final int faultCode;
    private final String faultString;

    KeyServerFault(String method, int faultCode, String faultString) {
        super(method + ": the key server refused: " + faultString + (faultCode != 0 ? " (fault " + faultCode + ")" : ""));
        this.method = method;
        this.faultCode = faultCode;
        this.faultString = faultString;
    }

    /** The XML-RPC method that was called. */
    public String method() {
        return method;
    }

    /** The server's fault code: an {@link net.zcc.contract.rpc.RpcFault}'s, or 0 from the XML-RPC library itself. */
    public int faultCode() {
        return faultCode;
    }

    /** The server's fault text (printable, at most 200 characters). */
    public String faultString() {
        return faultString;
    }
}
