package net.zcc.agent.remote;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.zcc.agent.keys.PeerKey;
import net.zcc.agent.keys.RelayTransport;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;

/**
 * {@link RelayTransport} over the key server's relay, on the shared HTTPS client.
 *
 * <p>Receive loop, on one daemon thread {@value #THREAD_NAME}:
 * 1. long-poll {@code POST /relay/poll}; 2. 200: decode all frames ({@link RelayWire}, all or
 * nothing) and hand each to the receiver in order; an empty body is a timeout, poll again at once;
 * 3. anything else (network, TLS, HTTP status, malformed body): wait ({@link Backoff}, 100 ms
 * doubling to 5 s, jittered) and poll again. 403 means the key server no longer accepts this host (revoked):
 * logged once, and the loop keeps backing off so the host recovers if it is approved again.
 * {@link #close()} interrupts the wait or the poll and joins the thread.
 *
 * <p>Send is one {@code POST /relay/send/<key id>} of our static key and the message, 204 when
 * queued; the kept-alive connection makes it one round trip. Every exchange, body included, is
 * bounded in size and time ({@link Bounded#exchange}): a send by the send timeout, a poll by the
 * poll timeout (the server's long-poll plus a margin), so a server stalling mid-body cannot hang
 * the caller or the poll thread. Nothing here logs message content.
 */
final class RelayClient implements RelayTransport {

    static final String THREAD_NAME = "zcc-relay-poll";
    /** Largest poll answer read: the server holds at most 64 KiB per host by default. */
    static final int MAX_POLL_BODY = 1024 * 1024;
    private static final int MAX_REASON = 200;
    private static final System.Logger LOG = System.getLogger(RelayClient.class.getName());

    private final HttpClient http;
    private final URI base;
    private final URI pollUri;
    private final PeerKey self;
    private final Duration sendTimeout;
    private final Duration pollTimeout;
    private final Backoff backoff = new Backoff();
    private volatile boolean closed;
    private volatile boolean revoked;
    private volatile int lastPollStatus;
    private Thread thread;
    /** The last failure logged by the poll thread, so a repeating failure is logged once. */
    private String lastFailure;

    RelayClient(HttpClient http, URI base, PeerKey self, Duration sendTimeout, Duration pollTimeout) {
        this.http = Objects.requireNonNull(http);
        this.base = Objects.requireNonNull(base);
        this.pollUri = base.resolve(RelayWire.POLL_PATH);
        this.self = Objects.requireNonNull(self);
        this.sendTimeout = Objects.requireNonNull(sendTimeout);
        this.pollTimeout = Objects.requireNonNull(pollTimeout);
    }

    @Override
    public synchronized void start(Receiver receiver) throws IOException {
        Objects.requireNonNull(receiver);
        if (closed) {
            throw new IOException("the relay client is closed");
        }
        if (thread != null) {
            throw new IllegalStateException("the relay client starts once");
        }
        thread = new Thread(() -> loop(receiver), THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void send(PeerKey to, byte[] message) throws IOException {
        byte[] body;
        try {
            body = RelayWire.sendBody(self.bytes(), message);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        HttpRequest post = HttpRequest.newBuilder(base.resolve(RelayWire.sendPath(KeyId.of(to.bytes()))))
                .timeout(sendTimeout).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response;
        try {
            response = Bounded.exchange(http, post, 204, 0, "relay send answer", sendTimeout);
        } catch (InterruptedIOException e) {
            throw new InterruptedIOException("interrupted while sending to the relay");
        } catch (IOException e) {
            throw new IOException("cannot reach the relay: " + HttpClientTransport.describe(e), e);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        if (response.statusCode() == 204) {
            return;
        }
        String reason = reason(response.body());
        throw new IOException("the relay refused a message to " + to + ": HTTP " + response.statusCode()
                + (reason.isEmpty() ? "" : " (" + reason + ")"));
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        t.interrupt();
        try {
            t.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True after the key server refused this host's poll with 403, until a poll succeeds again. */
    boolean refusedAsRevoked() {
        return revoked;
    }

    /** The HTTP status of the last poll answer, 0 before the first. */
    int lastPollStatus() {
        return lastPollStatus;
    }

    private void loop(Receiver receiver) {
        while (!closed) {
            try {
                if (pollOnce(receiver)) {
                    backoff.reset();
                } else if (!closed) {
                    Thread.sleep(backoff.next().toMillis());
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** One long-poll; true if it was answered normally (with or without messages). */
    private boolean pollOnce(Receiver receiver) throws InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(pollUri).timeout(pollTimeout)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        byte[] body;
        try {
            HttpResponse<byte[]> response = Bounded.exchange(http, post, 200, MAX_POLL_BODY, "relay poll answer",
                    pollTimeout);
            int status = response.statusCode();
            lastPollStatus = status;
            body = response.body();
            if (status != 200) {
                return refused(status, reason(body));
            }
        } catch (InterruptedIOException e) {
            throw new InterruptedException("interrupted while polling the relay");
        } catch (IOException e) {
            return failed("relay poll failed: " + HttpClientTransport.describe(e));
        }
        List<RelayWire.Frame> frames;
        try {
            frames = RelayWire.decode(body);
        } catch (RelayWire.MalformedFrameException e) {
            return failed("dropped a malformed relay poll answer (" + body.length + " bytes): " + e.getMessage());
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        recovered();
        deliver(receiver, frames);
        return true;
    }

    private void deliver(Receiver receiver, List<RelayWire.Frame> frames) {
        for (RelayWire.Frame f : frames) {
            if (closed) {
                Arrays.fill(f.message(), (byte) 0);
                continue; // no receiver call starts after close()
            }
            PeerKey from = PeerKey.of(f.senderKey());
            try {
                receiver.onMessage(from, f.message());
            } catch (RuntimeException e) { // a receiver bug must not end the loop
                LOG.log(System.Logger.Level.WARNING, "relay receiver failed on a message from " + from + ": " + e);
            }
        }
    }

    private boolean refused(int status, String reason) {
        if (status == 403) {
            if (!revoked) {
                LOG.log(System.Logger.Level.WARNING, "the key server refuses this host on the relay (HTTP 403): "
                        + "revoked or no longer approved; new handshakes stop, current keys stay in use");
            }
            revoked = true;
            lastFailure = "HTTP 403";
            return false;
        }
        return failed("relay poll answered HTTP " + status + (reason.isEmpty() ? "" : " (" + reason + ")"));
    }

    private boolean failed(String why) {
        if (!why.equals(lastFailure)) {
            LOG.log(System.Logger.Level.WARNING, why + "; retrying with backoff");
        }
        lastFailure = why;
        return false;
    }

    private void recovered() {
        if (lastFailure != null) {
            LOG.log(System.Logger.Level.INFO, "relay poll working again");
        }
        lastFailure = null;
        revoked = false;
    }

    /** The first line of a refusal's text, printable and short (the server's reasons are fixed texts). */
    private static String reason(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, MAX_REASON), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).replaceAll("\\p{Cntrl}", " ").trim();
    }

    @Override
    public String toString() {
        return "RelayClient[" + base + ", " + self + (closed ? ", closed" : "") + "]";
    }
}
