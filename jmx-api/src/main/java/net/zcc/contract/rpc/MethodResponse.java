package net.zcc.contract.rpc;

/**
 * What the key server answered to one XML-RPC call: a value, or a fault reduced to its code and
 * printable text. Read by {@link MethodResponseReader}; both the agent and the admin client (and
 * the console to come) get their answers in this form.
 *
 * @param value the result (String, Integer, Boolean, Double, byte[], Map, Object[]); null for a fault
 * @param fault true if the server answered with a fault
 * @param faultCode the fault's {@code faultCode} (see {@link RpcFault}); 0 if it had none
 * @param faultText the fault's {@code faultString}, made {@link #printable}; null for a value
 */
public record MethodResponse(Object value, boolean fault, int faultCode, String faultText) {

    /** Longest server text kept: it ends up on terminals and in logs. */
    public static final int MAX_TEXT = 200;

    static MethodResponse success(Object value) {
        return new MethodResponse(value, false, 0, null);
    }

    static MethodResponse fault(int code, String text) {
        return new MethodResponse(null, true, code, printable(text));
    }

    /** Server text goes to a terminal and to logs: no control characters, at most {@value #MAX_TEXT} chars. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_TEXT));
        for (int i = 0; i < s.length() && b.length() < MAX_TEXT; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }
}
