package net.zcc.keyserver.rpc;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.zcc.contract.rpc.RpcFault;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.server.XmlRpcNoSuchHandlerException;

/**
 * Every fault the key server sends: one of the contract's {@link RpcFault} codes and a plain text.
 * Apache XML-RPC's own faults have code 0 and texts that name Java classes ("No method matching
 * arguments: java.lang.Integer, …") or echo exception messages; {@link #of} maps them onto a code
 * and a fixed text. The original stays in the log (at DEBUG, see {@link QuietErrorLogger}).
 */
final class PlainFaults {

    private static final Set<Integer> OURS = Stream.of(RpcFault.values()).map(RpcFault::code)
            .collect(Collectors.toUnmodifiableSet());

    private PlainFaults() {
    }

    /** The fault to send for {@code failure}. */
    static XmlRpcException of(Throwable failure) {
        if (failure instanceof XmlRpcException x && x.code == RpcFault.MALFORMED_REQUEST.code()) {
            return malformed(String.valueOf(x.getMessage()));
        }
        if (failure instanceof XmlRpcException x && OURS.contains(x.code) && !(x instanceof XmlRpcNoSuchHandlerException)) {
            return x; // raised by our handlers with a text written for people
        }
        if (failure instanceof XmlRpcNoSuchHandlerException) {
            return fault(RpcFault.UNKNOWN_METHOD, RpcFault.UNKNOWN_METHOD.text());
        }
        String message = String.valueOf(failure.getMessage());
        if (message.startsWith("No method matching arguments") || message.startsWith("No such handler")) {
            return message.startsWith("No such")
                    ? fault(RpcFault.UNKNOWN_METHOD, RpcFault.UNKNOWN_METHOD.text())
                    : fault(RpcFault.BAD_ARGUMENT, "wrong number or types of arguments");
        }
        if (message.startsWith("Failed to parse") || message.startsWith("Failed to read")) {
            return malformed(message);
        }
        return fault(RpcFault.SERVER_ERROR, RpcFault.SERVER_ERROR.text());
    }

    /** A parse failure: one of a few fixed reasons, never the parser's own text. */
    private static XmlRpcException malformed(String detail) {
        String reason = detail.contains("DOCTYPE") ? ": DOCTYPE is not allowed"
                : detail.contains("nested deeper") ? ": values nested deeper than allowed" : "";
        return fault(RpcFault.MALFORMED_REQUEST, RpcFault.MALFORMED_REQUEST.text() + reason);
    }

    /** The category of a refusal for the throttled log: its fault code's name. */
    static String kind(Throwable failure) {
        int code = of(failure).code;
        return Stream.of(RpcFault.values()).filter(f -> f.code() == code).findFirst()
                .map(RpcFault::name).orElse("OTHER");
    }

    static XmlRpcException fault(RpcFault fault, String text) {
        return new XmlRpcException(fault.code(), text);
    }

    /** Writes a fault response outside XML-RPC's own flow (the body could not even be decoded). */
    static void write(HttpServletResponse resp, RpcFault fault, String text) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><methodResponse><fault><value><struct>"
                + "<member><name>faultCode</name><value><int>" + fault.code() + "</int></value></member>"
                + "<member><name>faultString</name><value><string>" + text + "</string></value></member>"
                + "</struct></value></fault></methodResponse>";
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("text/xml; charset=UTF-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
