package net.zcc.keyserver.relay;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import net.zcc.keyserver.store.KeyId;

/**
 * {@code POST <mount>/<destination key id hex>} with the raw handshake message as the body.
 *
 * <p>Answers 204 when queued; 400 for a bad key id or an empty body; 401 without a requester;
 * 413 for a body over the message limit; 429 when the destination's mailbox is full; 503 when the
 * relay is full. Refusals carry the fixed reason as text. The body is read into one bounded array
 * and handed to the relay, which wipes it.
 */
public final class RelaySendServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient Relay relay;
    private final transient RequesterId requester;
    private final transient Clock clock;

    /** Creates the servlet over {@code relay}; {@code requester} identifies the sender. */
    public RelaySendServlet(Relay relay, RequesterId requester, Clock clock) {
        this.relay = Objects.requireNonNull(relay);
        this.requester = Objects.requireNonNull(requester);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        Optional<KeyId> from = requester.of(req);
        if (from.isEmpty()) {
            text(resp, HttpServletResponse.SC_UNAUTHORIZED, "no client identity");
            return;
        }
        KeyId to = destination(req.getPathInfo());
        if (to == null) {
            text(resp, HttpServletResponse.SC_BAD_REQUEST, "destination must be /<32 lower-case hex digits>");
            return;
        }
        int max = relay.limits().maxMessageBytes();
        // Refuse on the declared length before reading anything.
        if (req.getContentLengthLong() > max) {
            text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, SendResult.TOO_LARGE.reason());
            return;
        }
        byte[] body = RelayWire.readBounded(req.getInputStream(), max);
        if (body == null) {
            text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, SendResult.TOO_LARGE.reason());
            return;
        }
        SendResult result = relay.send(from.get(), to, body, clock.instant());
        switch (result) {
            case QUEUED -> resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
            case EMPTY, SELF -> text(resp, HttpServletResponse.SC_BAD_REQUEST, result.reason());
            case TOO_LARGE -> text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, result.reason());
            case HOST_FULL_MESSAGES, HOST_FULL_BYTES -> text(resp, 429, result.reason());
            case RELAY_FULL -> text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, result.reason());
        }
    }

    /** Parses {@code /<hex>}; returns null for anything else (never echoed back). */
    static KeyId destination(String pathInfo) {
        if (pathInfo == null || pathInfo.length() != 33 || pathInfo.charAt(0) != '/') {
            return null;
        }
        try {
            return new KeyId(pathInfo.substring(1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static void text(HttpServletResponse resp, int status, String reason) throws IOException {
        byte[] b = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
