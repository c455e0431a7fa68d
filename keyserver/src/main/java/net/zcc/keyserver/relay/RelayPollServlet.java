package net.zcc.keyserver.relay;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST <mount>} with an empty body: a long-poll for the requesting host's messages.
 *
 * <p>Answers 200 with {@code application/octet-stream} in the {@link RelayWire} format: frames of
 * sender static key (32) ‖ length (2) ‖ message, or an empty body after the poll timeout. 401
 * without a requester, 413 if the request has a body, 403 "host revoked" at once when the host is
 * revoked while its poll waits ({@link Relay#evict}). The wait is asynchronous (Servlet 6 {@code startAsync}): a waiting poll holds a
 * connection and a few hundred bytes, not a thread. Must be mounted with async support on.
 */
public final class RelayPollServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RelayPollServlet.class);
    /** The default wait: below RpcServer's 30 s idle timeout, so Jetty never drops a waiting poll. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(25);
    /** How long a timeout callback waits for a send that won the race to finish writing. */
    private static final long RACE_WAIT_MS = 5_000;

    private final transient Relay relay;
    private final transient RequesterId requester;
    private final transient Clock clock;
    private final long timeoutMs;

    /**
     * Creates the servlet over {@code relay}.
     *
     * @param requester identifies the polling host
     * @param timeout how long a poll waits before answering empty; keep it below the idle timeout
     */
    public RelayPollServlet(Relay relay, RequesterId requester, Clock clock, Duration timeout) {
        this.relay = Objects.requireNonNull(relay);
        this.requester = Objects.requireNonNull(requester);
        this.clock = Objects.requireNonNull(clock);
        this.timeoutMs = timeout.toMillis();
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        Optional<KeyId> host = requester.of(req);
        if (host.isEmpty()) {
            RelaySendServlet.text(resp, HttpServletResponse.SC_UNAUTHORIZED, "no client identity");
            return;
        }
        if (req.getContentLengthLong() > 0 || req.getInputStream().read() >= 0) {
            RelaySendServlet.text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "a poll has no body");
            return;
        }
        RelayPoll poll = relay.poll(host.get(), clock.instant());
        if (!poll.result().isDone() && requester.of(req).isEmpty()) {
            // Revoked between the access check and the poll's registration: the revocation may
            // have evicted the mailbox before this poll was in it, so end it here, not at timeout.
            relay.evict(host.get());
        }
        if (poll.result().isDone()) {
            answer(resp, poll, poll.result().join()); // decided already: answer on this thread
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(timeoutMs);
        // Completes the exchange on whichever thread decides the poll: a send, a timeout, an error.
        CompletableFuture<Void> answered = poll.result().thenAccept(messages -> {
            try {
                answer((HttpServletResponse) async.getResponse(), poll, messages);
            } catch (IOException | RuntimeException e) {
                LOG.debug("relay: poll answer to {} failed: {}", host.get(), e.toString());
            } finally {
                async.complete();
            }
        });
        async.addListener(new Expiry(poll, answered));
    }

    private static void answer(HttpServletResponse resp, RelayPoll poll, List<Delivered> messages)
            throws IOException {
        if (poll.revoked()) {
            resp.setHeader("Connection", "close");
            RelaySendServlet.text(resp, HttpServletResponse.SC_FORBIDDEN, "host revoked");
        } else {
            write(resp, messages);
        }
    }

    /** Writes the frames and wipes every copy of the message bytes this servlet holds. */
    private static void write(HttpServletResponse resp, List<Delivered> messages) throws IOException {
        byte[] body = RelayWire.encode(messages.stream().map(Delivered::frame).toList());
        try {
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType("application/octet-stream");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
            resp.flushBuffer();
        } finally {
            Arrays.fill(body, (byte) 0);
            messages.forEach(Delivered::wipe);
        }
    }

    /**
     * Ends the relay poll when the container gives up on the request. On timeout the exchange must
     * be completed before the callback returns, or the container answers with an error; so wait
     * for the answer stage, which expire() runs at once or a racing send is about to finish.
     */
    private record Expiry(RelayPoll poll, CompletableFuture<Void> answered) implements AsyncListener {
        @Override
        public void onTimeout(AsyncEvent event) {
            poll.expire();
            try {
                answered.get(RACE_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.debug("relay: poll answer after timeout did not finish: {}", e.toString());
            }
        }

        @Override
        public void onError(AsyncEvent event) {
            poll.expire(); // client gone: free the waiter slot; the write below fails quietly
        }

        @Override
        public void onComplete(AsyncEvent event) {
            poll.expire(); // no-op if already decided; guards against any other ending
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
