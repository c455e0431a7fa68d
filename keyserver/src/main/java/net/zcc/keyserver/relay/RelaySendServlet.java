package net.zcc.keyserver.relay;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import net.zcc.contract.KeyId;
import net.zcc.contract.relay.RelayWire;

/**
 * {@code POST <mount>/<destination key id hex>} with body = the sender's own X25519 static public
 * key (32 bytes) ‖ the handshake message ({@link RelayWire}). The key travels with the message to
 * the destination, whose Noise KK needs it.
 *
 * <p>Answers 204 when queued; 400 for a bad key id, a body shorter than 33 bytes or a send to
 * oneself; 401 without a requester; 403 "sender key does not match the client certificate" when
 * {@link KeyId#of} of the first 32 bytes is not the requester's key id; 413 for a message over the
 * limit; 404 when the destination is not an approved host; 429 when the destination's mailbox is
 * full or the sender's own quota (per destination, bytes, mailboxes) is used up; 503 when the relay is full. Refusals carry
 * the fixed reason as text. The body is read into one bounded array, the message copied out of it
 * and handed to the relay, which wipes it; the body array is wiped here.
 */
public final class RelaySendServlet extends HttpServlet {

    /** The 403 reason when the body's sender key is not the certificate's. */
    public static final String WRONG_SENDER_KEY = "sender key does not match the client certificate";
    /** The 400 reason for a body without a whole sender key and at least one message byte. */
    public static final String SHORT_BODY = "body is the sender's 32-byte static key followed by the message";
    private static final long serialVersionUID = 1L;
    private final transient Relay relay;
    private final transient RequesterId requester;
    private final transient Clock clock;
    private final transient Predicate<KeyId> destinations;

    /** Creates the servlet over {@code relay}; {@code requester} identifies the sender; any destination. */
    public RelaySendServlet(Relay relay, RequesterId requester, Clock clock) {
        this(relay, requester, clock, id -> true);
    }

    /**
     * As {@link #RelaySendServlet(Relay, RequesterId, Clock)}, refusing (404) a destination that
     * {@code destinations} does not accept: in the key server, any key id that is not an approved
     * host, so made-up or pending ids cannot take relay memory.
     */
    public RelaySendServlet(Relay relay, RequesterId requester, Clock clock, Predicate<KeyId> destinations) {
        this.relay = Objects.requireNonNull(relay);
        this.requester = Objects.requireNonNull(requester);
        this.clock = Objects.requireNonNull(clock);
        this.destinations = Objects.requireNonNull(destinations);
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
        int max = RelayWire.SENDER_KEY_BYTES + relay.limits().maxMessageBytes();
        // Refuse on the declared length before reading anything.
        if (req.getContentLengthLong() > max) {
            text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, SendResult.TOO_LARGE.reason());
            return;
        }
        byte[] body = readBounded(req.getInputStream(), max);
        if (body == null) {
            text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, SendResult.TOO_LARGE.reason());
            return;
        }
        byte[] senderKey = Arrays.copyOf(body, Math.min(body.length, RelayWire.SENDER_KEY_BYTES));
        byte[] message = body.length < RelayWire.MIN_SEND_BODY ? null
                : Arrays.copyOfRange(body, RelayWire.SENDER_KEY_BYTES, body.length);
        Arrays.fill(body, (byte) 0);
        if (message == null) {
            text(resp, HttpServletResponse.SC_BAD_REQUEST, SHORT_BODY);
            return;
        }
        if (!KeyId.of(senderKey).equals(from.get())) {
            Arrays.fill(message, (byte) 0);
            text(resp, HttpServletResponse.SC_FORBIDDEN, WRONG_SENDER_KEY);
            return;
        }
        if (!destinations.test(to)) {
            Arrays.fill(message, (byte) 0);
            text(resp, HttpServletResponse.SC_NOT_FOUND, SendResult.UNKNOWN_DESTINATION.reason());
            return;
        }
        SendResult result = relay.send(senderKey, to, message, clock.instant());
        switch (result) {
            case QUEUED -> resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
            case EMPTY, SELF -> text(resp, HttpServletResponse.SC_BAD_REQUEST, result.reason());
            case TOO_LARGE -> text(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, result.reason());
            case HOST_FULL_MESSAGES, HOST_FULL_BYTES, PAIR_FULL, SENDER_FULL -> text(resp, 429, result.reason());
            case UNKNOWN_DESTINATION -> text(resp, HttpServletResponse.SC_NOT_FOUND, result.reason());
            case RELAY_FULL -> text(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, result.reason());
            case REVOKED -> text(resp, HttpServletResponse.SC_FORBIDDEN, result.reason());
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

    /**
     * Reads at most {@code max} bytes into one array (no growing buffers that leave stray copies
     * of a message behind); returns null if the stream holds more.
     */
    static byte[] readBounded(InputStream in, int max) throws IOException {
        byte[] buf = new byte[max + 1];
        int len = 0;
        int n;
        while (len < buf.length && (n = in.read(buf, len, buf.length - len)) >= 0) {
            len += n;
        }
        if (len > max) {
            Arrays.fill(buf, (byte) 0);
            return null;
        }
        byte[] out = Arrays.copyOf(buf, len);
        Arrays.fill(buf, (byte) 0);
        return out;
    }

    static void text(HttpServletResponse resp, int status, String reason) throws IOException {
        byte[] b = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
