package net.zcc.agent.remote;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP exchanges with the key server that are bounded in size and in time: the whole body is read
 * into one array, refusing more than a bound (no unbounded buffers), and the whole exchange
 * (connect, TLS, headers and body) must be over within a deadline. {@link HttpRequest#timeout}
 * alone covers only the response headers: a server that stalls in the middle of the body would
 * otherwise block the caller for ever.
 */
final class Bounded {

    /** How much of a refusal's body is kept (its reason is the first line). */
    static final int MAX_REFUSAL_BYTES = 512;

    private Bounded() {
    }

    /**
     * Sends {@code request} and reads the answer: with status {@code expected} the whole body, at
     * most {@code max} bytes (more is an IOException naming {@code what}); with any other status at
     * most {@link #MAX_REFUSAL_BYTES} of it, the rest dropped. All of it within {@code deadline},
     * or the exchange is cancelled (its connection closed) and an {@link HttpTimeoutException}
     * thrown.
     *
     * @throws InterruptedIOException if the calling thread is interrupted (the exchange is cancelled)
     */
    static HttpResponse<byte[]> exchange(HttpClient http, HttpRequest request, int expected, int max, String what,
            Duration deadline) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request,
                info -> info.statusCode() == expected ? new Subscriber(max, false, what)
                        : new Subscriber(MAX_REFUSAL_BYTES, true, what));
        try {
            return answer.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true); // since JDK 16 this aborts the exchange and closes its connection
            throw new HttpTimeoutException("no complete answer within " + deadline.toMillis() + " ms");
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause == null ? "the exchange failed" : String.valueOf(cause), cause);
        }
    }

    /**
     * Collects the body up to {@code max} bytes. Over the bound it either fails ({@code truncate}
     * false) or completes with the first {@code max} bytes; either way it cancels the rest. Old
     * buffers are wiped when it grows: relay bodies hold handshake messages, leave no stray copy.
     */
    static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final boolean truncate;
        private final String what;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private byte[] buf = new byte[0];
        private int len;

        Subscriber(int max, boolean truncate, String what) {
            this.max = max;
            this.truncate = truncate;
            this.what = what;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE); // demand is unbounded; the size bound is ours
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (n > max - len) {
                    if (truncate) {
                        append(b, max - len);
                        finish();
                    } else {
                        wipe();
                        result.completeExceptionally(new IOException(what + " longer than " + max + " bytes"));
                    }
                    subscription.cancel();
                    return;
                }
                append(b, n);
            }
        }

        @Override
        public void onError(Throwable t) {
            wipe();
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (!result.isDone()) {
                finish();
            }
        }

        private void append(ByteBuffer b, int n) {
            if (len + n > buf.length) {
                byte[] bigger = Arrays.copyOf(buf, Math.min(max, Math.max(len + n, Math.max(8192, buf.length * 2))));
                Arrays.fill(buf, (byte) 0);
                buf = bigger;
            }
            b.get(buf, len, n);
            len += n;
        }

        private void finish() {
            byte[] out = Arrays.copyOf(buf, len);
            wipe();
            result.complete(out);
        }

        private void wipe() {
            Arrays.fill(buf, (byte) 0);
            len = 0;
        }
    }
}
