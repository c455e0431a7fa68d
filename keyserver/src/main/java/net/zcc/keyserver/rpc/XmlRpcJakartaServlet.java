package net.zcc.keyserver.rpc;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import net.zcc.contract.ClientIdentity;
import net.zcc.contract.KeyId;
import net.zcc.contract.rpc.RpcFault;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.server.XmlRpcHandlerMapping;
import org.apache.xmlrpc.server.XmlRpcServerConfigImpl;
import org.apache.xmlrpc.common.XmlRpcHttpRequestConfigImpl;
import org.apache.xmlrpc.util.HttpUtil;
import net.zcc.keyserver.ca.RevocationCheck;

/**
 * Serves Apache XML-RPC 3.1.3 from a Jakarta (ee10) servlet container, hardened for hostile input.
 *
 * <p>Request flow, in the order of {@link #doPost}:
 * <ol>
 *   <li>with mutual TLS: a client certificate (already verified against the fleet CA by TLS)
 *       whose key id is missing or not allowed by the {@link RevocationCheck}: HTTP 403, nothing
 *       read; a failing check also gives 403 (fail closed);
 *   <li>declared Content-Length above the limit: HTTP 413, nothing read;
 *   <li>read the body (already in memory: {@link RequestGate} read it asynchronously; gunzipped
 *       if Content-Encoding says so) counting bytes: past the limit, 413; bad gzip, a fault;
 *   <li>build the request config from the server config (XML-RPC's parser reads the request's);
 *   <li>parse with the hardened SAX factory behind a depth filter ({@link LimitedXmlRpcServer});
 *   <li>run the handler; any failure becomes a plain fault with its own {@link RpcFault} code
 *       (the library's code-0 faults mapped too: {@link LimitedXmlRpcServer}), never a Java class
 *       name or exception text; the detail goes to the log, throttled. With mutual TLS, an
 *       anonymous call to a method the {@link MethodPolicy} does not list is such a fault.
 * </ol>
 * Extensions stay off (CVE-2016-5003: {@code ex:serializable} would run Java deserialisation) and
 * exceptions are not serialised into faults.
 */
public final class XmlRpcJakartaServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final QuietErrorLogger REFUSALS = new QuietErrorLogger();

    /** Where the container puts the verified client certificate chain. */
    static final String CERTIFICATE_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private final transient LimitedXmlRpcServer server;
    private final RpcLimits limits;
    private final transient RevocationCheck revocation;

    /**
     * Creates the servlet around a handler mapping.
     *
     * @param mapping the methods to serve
     * @param limits request size and nesting limits
     */
    public XmlRpcJakartaServlet(XmlRpcHandlerMapping mapping, RpcLimits limits) {
        this(mapping, limits, null);
    }

    /**
     * Creates the servlet around a handler mapping, checking client certificates if {@code mtls}
     * is not null.
     *
     * @param mapping the methods to serve
     * @param limits request size and nesting limits
     * @param mtls revocation check and method policy, or null for no client-certificate checks
     */
    public XmlRpcJakartaServlet(XmlRpcHandlerMapping mapping, RpcLimits limits, MutualTls mtls) {
        this.limits = limits;
        this.revocation = mtls == null ? null : mtls.revocation();
        if (mtls != null) {
            mapping = new AuthorizingHandlerMapping(mapping, mtls.policy());
        }
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
        KeyId caller = null;
        X509Certificate certificate = null;
        if (revocation != null) {
            Optional<KeyId> id = verifiedCaller(req);
            if (id == null) {
                refuseForbidden(resp, "client certificate names no host key id");
                return;
            }
            if (id.isPresent()) {
                if (!allowed(id.get())) {
                    refuseForbidden(resp, "host " + id.get() + " is revoked or unknown");
                    return;
                }
                caller = id.get();
                certificate = ((X509Certificate[]) req.getAttribute(CERTIFICATE_ATTRIBUTE))[0];
            }
        }
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
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            // "gzip" that is not gzip: a plain fault, never a 500 page naming the exception
            REFUSALS.log("body is not valid gzip", e);
            PlainFaults.write(resp, RpcFault.MALFORMED_REQUEST, "the body is not valid gzip");
            return;
        }
        try {
            server.execute(requestConfig(req, caller, certificate), new Connection(body, resp));
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

    /**
     * Returns the key id of the verified client certificate, empty if none was presented, or null if
     * one was presented that names no valid key id.
     */
    private static Optional<KeyId> verifiedCaller(HttpServletRequest req) {
        if (!(req.getAttribute(CERTIFICATE_ATTRIBUTE) instanceof X509Certificate[] chain) || chain.length == 0) {
            return Optional.empty();
        }
        Optional<KeyId> id = ClientIdentity.keyIdOf(chain[0]);
        return id.isPresent() ? id : null;
    }

    private boolean allowed(KeyId id) {
        try {
            return revocation.isAllowed(id);
        } catch (RuntimeException e) {
            REFUSALS.log("revocation check failed: " + e);
            return false;
        }
    }

    private static void refuseForbidden(HttpServletResponse resp, String why) throws IOException {
        REFUSALS.log("HTTP 403: " + why);
        resp.setHeader("Connection", "close");
        resp.sendError(HttpServletResponse.SC_FORBIDDEN);
    }

    private void refuseTooLarge(HttpServletResponse resp) throws IOException {
        REFUSALS.log("request larger than " + limits.maxRequestBytes() + " bytes");
        // Close: the rest of an oversized body is not worth reading to keep the connection.
        resp.setHeader("Connection", "close");
        resp.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
    }

    /** Copies the server flags into the request config, which is what XML-RPC's parser consults. */
    private XmlRpcHttpRequestConfigImpl requestConfig(HttpServletRequest req, KeyId caller,
            X509Certificate certificate) {
        XmlRpcServerConfigImpl sc = (XmlRpcServerConfigImpl) server.getConfig();
        XmlRpcHttpRequestConfigImpl rc = new CallerRequestConfig(caller, certificate, req.getRemoteAddr());
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
