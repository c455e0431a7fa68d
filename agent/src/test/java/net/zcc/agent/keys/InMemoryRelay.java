package net.zcc.agent.keys;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The relay's in-memory twin: one delivery thread for all hosts, so messages arrive in order and
 * asynchronously, as through the key server. {@link #setDown} makes it drop everything.
 */
final class InMemoryRelay implements AutoCloseable {

    private final Map<PeerKey, RelayTransport.Receiver> receivers = new ConcurrentHashMap<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "in-memory-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile java.util.function.Predicate<byte[]> lose = m -> false;

    /** The transport of the host registered on the relay as {@code identity}. */
    RelayTransport endpoint(PeerKey identity) {
        return new RelayTransport() {
            @Override
            public void start(Receiver receiver) {
                receivers.put(identity, receiver);
            }

            @Override
            public void send(PeerKey to, byte[] message) {
                deliver(identity, to, message.clone());
            }

            @Override
            public void close() {
                receivers.remove(identity);
            }
        };
    }

    /** Loses the messages {@code which} selects (e.g. every message 2: the key server failing mid-handshake). */
    void lose(java.util.function.Predicate<byte[]> which) {
        lose = which;
    }

    /** Drops every message while true (key server down). */
    void setDown(boolean isDown) {
        down.set(isDown);
    }

    private void deliver(PeerKey from, PeerKey to, byte[] message) {
        if (down.get() || lose.test(message)) {
            return;
        }
        delivery.execute(() -> {
            RelayTransport.Receiver r = receivers.get(to);
            if (r != null && !down.get()) {
                r.onMessage(from, message);
            }
        });
    }

    @Override
    public void close() {
        delivery.shutdownNow();
    }
}
