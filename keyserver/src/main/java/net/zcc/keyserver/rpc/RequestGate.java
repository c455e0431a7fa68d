package net.zcc.keyserver.rpc;

import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntBiFunction;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request: POST only, a body bound per endpoint and caller, and the
 * whole body read <em>asynchronously</em> within a deadline before any servlet runs.
 *
 * <p>Request flow:
 * <ol>
 *   <li>any method but POST: 405 (TRACE and OPTIONS included: nothing here echoes a request);
 *   <li>the endpoint's body limit for this caller ({@code limitFor(path, anonymous)}); a larger
 *       declared Content-Length: 413, nothing read, connection closed;
 *   <li>the body is collected through Jetty's demand callbacks: a waiting body holds a
 *       connection and at most the limit in memory, never a thread; past the limit: 413;
 *   <li>not all there {@code deadline} after the headers: 408, connection closed. The idle
 *       timeout cannot do this, because every byte resets it;
 *   <li>the next handler (the servlets, whose blocking reads now find the body in memory).
 * </ol>
 *
 * <p>Why not Jetty's {@code EagerContentHandler}: it reads the body the same way but has no
 * deadline and one limit for all; and {@code HttpConfiguration.setMinRequestDataRate} is checked
 * only when a blocking read returns, after the thread was already held.
 */
final class RequestGate extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);
    private final ToIntBiFunction<String, Boolean> limitFor;
    private final Duration deadline;
    private final LogThrottle refusals = new LogThrottle(LOG, "requests refused", 60, 256);

    /**
     * @param limitFor the largest body for a path ({@code /RPC2}, {@code /relay/send/…}) and
     *     whether the caller has no client certificate; 0 for a path that takes no body
     */
    RequestGate(Handler next, ToIntBiFunction<String, Boolean> limitFor, Duration deadline) {
        super(next);
        this.limitFor = limitFor;
        this.deadline = deadline;
    }

    /** The verified client certificate chain of a request, or null. */
    static X509Certificate[] peerCertificates(Request request) {
        return request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData d
                ? d.peerCertificates() : null;
    }

    /** True if the request came without a client certificate. */
    static boolean anonymous(Request request) {
        X509Certificate[] chain = peerCertificates(request);
        return chain == null || chain.length == 0;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!HttpMethod.POST.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        String path = Request.getPathInContext(request);
        int limit = limitFor.applyAsInt(path, anonymous(request));
        long declared = request.getLength();
        if (declared > limit) {
            refuse(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "body larger than " + limit);
            return true;
        }
        if (declared == 0) {
            return super.handle(request, response, callback);
        }
        new Loader(request, response, callback, limit).start();
        return true;
    }

    private void refuse(Request request, Response response, Callback callback, int status, String why) {
        refusals.note(Request.getRemoteAddr(request), why);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        Response.writeError(request, response, callback, status);
    }

    /** Collects one body; whichever of "complete", "too large", "failed" and "late" comes first decides. */
    private final class Loader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final int limit;
        private final AtomicBoolean decided = new AtomicBoolean();
        private byte[] body = new byte[0];
        private int length;
        private Scheduler.Task timer;

        Loader(Request request, Response response, Callback callback, int limit) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.limit = limit;
        }

        void start() {
            timer = request.getComponents().getScheduler().schedule(this::late, deadline.toMillis(),
                    TimeUnit.MILLISECONDS);
            run();
        }

        /** Reads what is there; asks to be called again when more arrives. */
        @Override
        public void run() {
            while (!decided.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    fail(HttpStatus.BAD_REQUEST_400, "body not received: " + chunk.getFailure());
                    return;
                }
                ByteBuffer b = chunk.getByteBuffer();
                int n = b.remaining();
                if ((long) length + n > limit) {
                    chunk.release();
                    fail(HttpStatus.PAYLOAD_TOO_LARGE_413, "body larger than " + limit);
                    return;
                }
                if (length + n > body.length) {
                    body = Arrays.copyOf(body, Math.min(limit, Math.max(length + n, 2 * body.length)));
                }
                b.get(body, length, n);
                length += n;
                boolean last = chunk.isLast();
                chunk.release();
                if (last) {
                    complete();
                    return;
                }
            }
        }

        private void complete() {
            if (!decided.compareAndSet(false, true)) {
                return;
            }
            timer.cancel();
            Request buffered = new Buffered(request, ByteBuffer.wrap(body, 0, length));
            try {
                if (!RequestGate.super.handle(buffered, response, callback)) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                }
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        }

        private void late() {
            if (decided.compareAndSet(false, true)) {
                refuse(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408,
                        "body not complete within " + deadline.toSeconds() + " s");
            }
        }

        private void fail(int status, String why) {
            if (decided.compareAndSet(false, true)) {
                timer.cancel();
                refuse(request, response, callback, status, why);
            }
        }
    }

    /** The request with its body already in memory: one last chunk, then end of content. */
    private static final class Buffered extends Request.Wrapper {
        private ByteBuffer body;

        Buffered(Request wrapped, ByteBuffer body) {
            super(wrapped);
            this.body = body;
        }

        @Override
        public Content.Chunk read() {
            ByteBuffer b = body;
            if (b == null) {
                return super.read(); // the wrapped request's end of content
            }
            body = null;
            return Content.Chunk.from(b, true);
        }
    }
}
