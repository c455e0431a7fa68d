package net.zcc.keyserver.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import net.zcc.contract.rpc.RpcFault;
import net.zcc.contract.xml.HardenedSax;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.XmlRpcRequest;
import org.apache.xmlrpc.XmlRpcRequestConfig;
import org.apache.xmlrpc.common.ServerStreamConnection;
import org.apache.xmlrpc.common.XmlRpcStreamRequestConfig;
import org.apache.xmlrpc.parser.XmlRpcRequestParser;
import org.apache.xmlrpc.server.XmlRpcHttpServer;
import org.apache.xmlrpc.util.SAXParsers;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * XML-RPC's HTTP server with the request parse replaced: same parser, plus a depth filter and a
 * silent SAX error handler.
 *
 * <p>{@link #getRequest} mirrors {@code XmlRpcStreamServer.getRequest} of 3.1.3 (read from its
 * bytecode): only the filter and the error handler are new.
 */
final class LimitedXmlRpcServer extends XmlRpcHttpServer {

    private final int maxValueDepth;

    LimitedXmlRpcServer(int maxValueDepth) {
        this.maxValueDepth = maxValueDepth;
    }

    @Override
    protected void setResponseHeader(ServerStreamConnection con, String name, String value) {
        ((XmlRpcJakartaServlet.Connection) con).resp.setHeader(name, value);
    }

    /**
     * Every fault leaves with a contract code and a plain text ({@link PlainFaults}); the
     * library's own text, which may name Java classes, stays in the log.
     */
    @Override
    protected void writeError(XmlRpcStreamRequestConfig config, OutputStream stream, Throwable error)
            throws XmlRpcException {
        super.writeError(config, stream, PlainFaults.of(error));
    }

    @Override
    protected XmlRpcRequest getRequest(XmlRpcStreamRequestConfig config, InputStream in) throws XmlRpcException {
        XmlRpcRequestParser parser = new XmlRpcRequestParser(config, getTypeFactory());
        XMLReader reader = SAXParsers.newXMLReader();
        reader.setContentHandler(new DepthLimitingHandler(parser, maxValueDepth));
        reader.setErrorHandler(HardenedSax.THROW_ERRORS);
        try {
            reader.parse(new InputSource(in));
        } catch (SAXException e) {
            if (e.getException() instanceof XmlRpcException x) {
                throw x;
            }
            throw new XmlRpcException(RpcFault.MALFORMED_REQUEST.code(),
                    "Failed to parse XML-RPC request: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new XmlRpcException(RpcFault.MALFORMED_REQUEST.code(),
                    "Failed to read XML-RPC request: " + e.getMessage(), e);
        }
        return new ParsedRequest(config, parser.getMethodName(), parser.getParams());
    }

    /** The parsed call handed to the handler mapping. */
    private record ParsedRequest(XmlRpcRequestConfig config, String methodName, List<?> params)
            implements XmlRpcRequest {
        @Override public XmlRpcRequestConfig getConfig() { return config; }
        @Override public String getMethodName() { return methodName; }
        @Override public int getParameterCount() { return params == null ? 0 : params.size(); }
        @Override public Object getParameter(int i) { return params.get(i); }
    }
}
