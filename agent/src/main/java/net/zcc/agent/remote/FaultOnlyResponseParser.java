package net.zcc.agent.remote;

import java.util.Map;
import org.apache.xmlrpc.common.TypeFactory;
import org.apache.xmlrpc.common.XmlRpcStreamRequestConfig;
import org.apache.xmlrpc.parser.XmlRpcResponseParser;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The library's response parser with its fault handling replaced: a fault is its
 * {@code faultCode} and {@code faultString}, nothing else.
 *
 * <p>Why: the stock {@code XmlRpcResponseParser.addResult} runs {@code ObjectInputStream.readObject}
 * on a fault's {@code faultCause} bytes whatever {@code enabledForExtensions} says (CVE-2019-17570),
 * so a hostile or impersonated server could run gadget chains in the agent. Here the fault struct
 * is read as plain values and {@code faultCause} (or any other member) is dropped unread.
 */
final class FaultOnlyResponseParser extends XmlRpcResponseParser {

    /** Longest fault text kept: it ends up in messages and logs. */
    static final int MAX_FAULT_STRING = 200;

    private int faultCode;
    private String faultString;

    FaultOnlyResponseParser(XmlRpcStreamRequestConfig config, TypeFactory types) {
        super(config, types);
    }

    @Override
    protected void addResult(Object result) throws SAXException {
        if (isSuccess()) {
            super.addResult(result);
            return;
        }
        if (!(result instanceof Map<?, ?> fault)) {
            throw new SAXParseException("a fault must be a struct", getDocumentLocator());
        }
        faultCode = fault.get("faultCode") instanceof Integer code ? code : 0;
        faultString = printable(fault.get("faultString") instanceof String s ? s : "(no fault text)");
    }

    /** The fault's code; valid when {@link #isSuccess()} is false. */
    int faultCode() {
        return faultCode;
    }

    /** The fault's text, shortened and stripped of control characters; valid when not a success. */
    String faultString() {
        return faultString == null ? "(no fault)" : faultString;
    }

    /** The server's text goes to a terminal and to logs: no control characters, bounded length. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_FAULT_STRING));
        for (int i = 0; i < s.length() && b.length() < MAX_FAULT_STRING; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }
}
