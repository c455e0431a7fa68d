package net.zcc.agent.keys;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The relay's in-memory twin, on virtual time: each message is delivered {@link #latency} after
 * it was sent, as a task of the {@link VirtualScheduler}, so it arrives asynchronously as through
 * the key server. Like the key server, it keeps the messages of a host that is not polling (not
 * started yet, or {@linkplain #pause paused}) until it polls. {@link #setDown} makes it drop
 * everything, {@link #lose} some messages.
 */
final class InMemoryRelay {

    /** A message kept for a host that does not poll. */
    private record Held(PeerKey from, byte[] message) { }

    private final VirtualScheduler scheduler;
    private final Map<PeerKey, RelayTransport.Receiver> receivers = new ConcurrentHashMap<>();
    private final Map<PeerKey, Deque<Held>> held = new ConcurrentHashMap<>();
    private final Set<PeerKey> paused = ConcurrentHashMap.newKeySet();
    private long sent;
    private volatile boolean down;
    private volatile Predicate<byte[]> lose = m -> false;
    private volatile Duration latency = Duration.ofMillis(5);
    /** Each message's delay, or null to lose it; when set, replaces {@link #latency} and {@link #lose}. */
    private volatile Function<byte[], Duration> conditions;

    InMemoryRelay(VirtualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The transport of the host registered on the relay as {@code identity}. */
    RelayTransport endpoint(PeerKey identity) {
        return new RelayTransport() {
            @Override
            public void start(Receiver receiver) {
                receivers.put(identity, receiver);
                if (!paused.contains(identity)) {
                    flush(identity); // its first poll
                }
            }

            @Override
            public void send(PeerKey to, byte[] message) {
                InMemoryRelay.this.send(identity, to, message.clone());
            }

            @Override
            public void close() {
                receivers.remove(identity);
            }
        };
    }

    /** Loses the messages {@code which} selects (e.g. every message 2: the key server failing mid-handshake). */
    void lose(Predicate<byte[]> which) {
        lose = which;
    }

    /** Drops every message while true (key server down). */
    void setDown(boolean isDown) {
        down = isDown;
    }

    /** How long each message takes from send to delivery. */
    void latency(Duration d) {
        latency = d;
    }

    /**
     * Decides the fate of every message from now on: delivered after the returned delay, or lost
     * when it returns null. Messages then overtake each other as their delays say. Null restores
     * {@link #latency} and {@link #lose}.
     */
    void conditions(Function<byte[], Duration> delayOrLoss) {
        conditions = delayOrLoss;
    }

    /** Keeps {@code host}'s messages until it {@linkplain #resume resumes} (a host that does not poll yet). */
    void pause(PeerKey host) {
        paused.add(host);
    }

    /** {@code host} polls: what was kept for it is delivered, in order. */
    void resume(PeerKey host) {
        paused.remove(host);
        flush(host);
    }

    private void flush(PeerKey host) {
        Deque<Held> q = held.remove(host);
        if (q != null) {
            q.forEach(h -> scheduler.schedule(Duration.ZERO, () -> deliver(h.from(), host, h.message())));
        }
    }

    /** Messages accepted by the relay so far, lost ones included. */
    synchronized long sentCount() {
        return sent;
    }

    private void send(PeerKey from, PeerKey to, byte[] message) {
        synchronized (this) {
            sent++;
        }
        Function<byte[], Duration> c = conditions;
        Duration delay = c != null ? c.apply(message) : lose.test(message) ? null : latency;
        if (down || delay == null) {
            return;
        }
        scheduler.schedule(delay, () -> deliver(from, to, message));
    }

    private void deliver(PeerKey from, PeerKey to, byte[] message) {
        RelayTransport.Receiver r = receivers.get(to);
        if (paused.contains(to) || r == null) { // not polling: the relay keeps it
            held.computeIfAbsent(to, k -> new ArrayDeque<>()).add(new Held(from, message));
        } else if (!down) {
            r.onMessage(from, message);
        }
    }
}
