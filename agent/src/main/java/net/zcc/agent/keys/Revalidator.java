package net.zcc.agent.keys;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Revocation (PROTOCOL.md 4): every period the directory is asked again about every address this
 * host holds a directory answer or a session for; a peer it no longer vouches for loses all its
 * session keys at once, so it cannot open new connections to us.
 *
 * <p>A pass asks in random order, {@link #PARALLELISM} lookups at a time on a lane of their own
 * (so on-demand lookups never wait behind them, and a slow key server delays only the pass), and
 * starts no lookup after the period: what it did not reach is asked in the next pass, which
 * starts on time and, being shuffled anew, does not skip the same ones. Lookups still running
 * count against the next pass's four. An unreachable directory changes nothing: existing
 * sessions keep working while the key server is down.
 */
final class Revalidator {

    private static final System.Logger LOG = System.getLogger(Revalidator.class.getName());
    /** Lookups of one pass at a time. */
    static final int PARALLELISM = 4;

    private final PeerKeyCache directory;
    private final Peers peers;
    private final Scheduler scheduler;
    private final Executor lookups;
    private final Duration period;
    private final Random random;
    private final LongAdder revoked = new LongAdder();

    /** Guarded by this: the pass in progress, its lookups running, and whether we stopped. */
    private Deque<Map.Entry<InetAddress, PeerKey>> toAsk = new ArrayDeque<>();
    private Instant passEnds = Instant.MIN;
    private int asking;
    private boolean stopped;
    private Scheduler.Cancellable nextPass = () -> { };

    Revalidator(PeerKeyCache directory, Peers peers, Scheduler scheduler, Executor lookups, Duration period,
            Random random) {
        this.directory = directory;
        this.peers = peers;
        this.scheduler = scheduler;
        this.lookups = lookups;
        this.period = period;
        this.random = random;
    }

    /** Schedules the first pass one period from now. */
    synchronized void start() {
        nextPass = scheduler.schedule(period, this::onPeriod);
    }

    /** No pass starts any more, and no lookup. */
    synchronized void stop() {
        stopped = true;
        nextPass.cancel();
        toAsk.clear();
    }

    /** Peers whose sessions were dropped because the directory no longer vouched for them. */
    long revokedPeers() {
        return revoked.sum();
    }

    /** At a fixed rate: the next pass is due one period after this one started, however long it takes. */
    private synchronized void onPeriod() {
        if (stopped) {
            return;
        }
        nextPass = scheduler.schedule(period, this::onPeriod);
        startPass();
    }

    /**
     * Starts a pass now; returns at once, the lookups run on their lane. Replaces a pass still in
     * progress (what it did not reach is in the new one).
     */
    synchronized void startPass() {
        if (!toAsk.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "peer revalidation: " + toAsk.size()
                    + " peers not checked within " + period + "; the rest this pass");
        }
        Instant now = scheduler.now();
        peers.prune(now); // also wipes the retired keys of quiet peers
        // Every address with a session and every directory answer we hold (a cached answer is
        // what lets a SYN in).
        Map<InetAddress, PeerKey> seen = new HashMap<>(directory.snapshot());
        seen.putAll(peers.bindings());
        List<Map.Entry<InetAddress, PeerKey>> order = new ArrayList<>(seen.entrySet());
        Collections.shuffle(order, random);
        toAsk = new ArrayDeque<>(order);
        passEnds = now.plus(period);
        askMore();
    }

    /** Starts lookups while fewer than four run and the pass has time left. */
    private synchronized void askMore() {
        while (!stopped && asking < PARALLELISM && !toAsk.isEmpty() && scheduler.now().isBefore(passEnds)) {
            Map.Entry<InetAddress, PeerKey> e = toAsk.poll();
            asking++;
            try {
                lookups.execute(() -> ask(e.getKey(), e.getValue()));
            } catch (RejectedExecutionException closed) {
                asking--;
                return;
            }
        }
    }

    /** One lookup, on the lane; then the next one of the pass. */
    private void ask(InetAddress address, PeerKey owner) {
        try {
            check(address, owner);
        } finally {
            synchronized (this) {
                asking--;
            }
            askMore();
        }
    }

    private void check(InetAddress address, PeerKey owner) {
        Optional<PeerKey> now;
        try {
            now = directory.refresh(address);
        } catch (IOException | RuntimeException e) {
            return; // unreachable: nothing changes while the key server is down
        }
        if (now.isEmpty()) { // revoked (or the address left it): its keys go
            forget(owner, address);
        } else if (!now.get().equals(owner)) {
            // The address now belongs to another host: the old owner's keys no longer count for
            // it (the address binding refuses them), but the old owner may live on elsewhere.
            peers.unbind(address, owner);
        }
    }

    private void forget(PeerKey peer, InetAddress address) {
        boolean hadKeys = peers.drop(peer, address);
        directory.forget(address);
        if (hadKeys) {
            revoked.increment();
            LOG.log(System.Logger.Level.WARNING, "the key server no longer vouches for " + peer + " at "
                    + address.getHostAddress() + ": its session keys are dropped, new connections refused");
        }
    }
}
