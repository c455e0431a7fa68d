package net.zcc.keyserver.rpc;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.server.XmlRpcHandlerMapping;
import org.apache.xmlrpc.server.XmlRpcServerConfigImpl;
import org.apache.xmlrpc.common.XmlRpcHttpRequestConfigImpl;
import org.apache.xmlrpc.util.HttpUtil;

/**
 * Serves Apache XML-RPC 3.1.3 from a Jakarta (ee10) servlet container, hardened for hostile input.
 *
 * <p>Request flow, in the order of {@link #doPost}:
 * <ol>
 *   <li>declared Content-Length above the limit: HTTP 413, nothing read;
 *   <li>read the body (gunzipped if Content-Encoding says so) counting bytes: past the limit, 413;
 *   <li>build the request config from the server config (XML-RPC's parser reads the request's);
 *   <li>parse with the hardened SAX factory behind a depth filter ({@link LimitedXmlRpcServer});
 *   <li>run the handler; any failure becomes a plain fault, logged as one line.
 * </ol>
 * Extensions stay off (CVE-2016-5003: {@code ex:serializable} would run Java deserialisation) and
 * exceptions are not serialised into faults.
 */
public final class XmlRpcJakartaServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final QuietErrorLogger REFUSALS = new QuietErrorLogger();

    private final transient LimitedXmlRpcServer server;
    private final RpcLimits limits;

    /**
     * Creates the servlet around a handler mapping.
     *
     * @param mapping the methods to serve
     * @param limits request size and nesting limits
     */
    public XmlRpcJakartaServlet(XmlRpcHandlerMapping mapping, RpcLimits limits) {
        this.limits = limits;
        XmlRpcServerConfigImpl config = new XmlRpcServerConfigImpl();
        config.setEnabledForExtensions(false);
        config.setEnabledForExceptions(false);
        config.setContentLengthOptional(false);
        config.setKeepAliveEnabled(true);
        server = new LimitedXmlRpcServer(limits.maxValueDepth());
        server.setConfig(config);
        server.setHandlerMapping(mapping);
        server.setErrorLogger(REFUSALS);
    }

    /** Installs the safe parser factory before the first request can be parsed. */
    @Override
    public void init() throws ServletException {
        SafeSaxParsers.install();
    }

    /** Handles one XML-RPC call; see the class comment for the steps. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getContentLengthLong() > limits.maxRequestBytes()) {
            refuseTooLarge(resp);
            return;
        }
        byte[] body;
        try {
            body = BoundedBody.read(decoded(req), limits.maxRequestBytes());
        } catch (BoundedBody.TooLargeException e) {
            refuseTooLarge(resp);
            return;
        }
        try {
            server.execute(requestConfig(req), new Connection(body, resp));
        } catch (XmlRpcException e) {
            // Only I/O while writing the response gets here; the peer has most likely gone.
            REFUSALS.log("response not sent: " + e.getMessage());
        }
    }

    /** Returns the body stream, gunzipped when the client compressed it; the limit counts decoded bytes. */
    private static InputStream decoded(HttpServletRequest req) throws IOException {
        InputStream in = req.getInputStream();
        return HttpUtil.isUsingGzipEncoding(req.getHeader("Content-Encoding")) ? new GZIPInputStream(in) : in;
    }

    private void refuseTooLarge(HttpServletResponse resp) throws IOException {
        REFUSALS.log("request larger than " + limits.maxRequestBytes() + " bytes");
        // Close: the rest of an oversized body is not worth reading to keep the connection.
        resp.setHeader("Connection", "close");
        resp.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
    }

    /** Copies the server flags into the request config, which is what XML-RPC's parser consults. */
    private XmlRpcHttpRequestConfigImpl requestConfig(HttpServletRequest req) {
        XmlRpcServerConfigImpl sc = (XmlRpcServerConfigImpl) server.getConfig();
        XmlRpcHttpRequestConfigImpl rc = new XmlRpcHttpRequestConfigImpl();
        rc.setEnabledForExtensions(sc.isEnabledForExtensions());
        rc.setEnabledForExceptions(sc.isEnabledForExceptions());
        rc.setContentLengthOptional(sc.isContentLengthOptional());
        rc.setBasicEncoding(sc.getBasicEncoding());
        HttpUtil.parseAuthorization(rc, req.getHeader("Authorization"));
        // The body was already gunzipped above; do not decode it twice.
        rc.setGzipCompressing(false);
        rc.setGzipRequesting(HttpUtil.isUsingGzipEncoding(req.getHeader("Accept-Encoding")));
        return rc;
    }

    /** One request as XML-RPC sees it: the buffered body in, the servlet response out. */
    static final class Connection implements org.apache.xmlrpc.common.ServerStreamConnection {
        private final byte[] body;
        final HttpServletResponse resp;

        Connection(byte[] body, HttpServletResponse resp) {
            this.body = body;
            this.resp = resp;
        }

        @Override public InputStream newInputStream() { return new ByteArrayInputStream(body); }
        @Override public OutputStream newOutputStream() throws IOException {
            resp.setContentType("text/xml; charset=UTF-8");
            return resp.getOutputStream();
        }
        @Override public void close() throws IOException { resp.getOutputStream().close(); }
    }
}
