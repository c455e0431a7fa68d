package net.zcc.keyserver.rpc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-source and unauthenticated connection caps on the TLS connector, with a reserve for clients
 * that present a fleet certificate.
 *
 * <p>Connection life as this class sees it:
 * <ol>
 *   <li>accepted: counted against its source address (all, unauthenticated, new per second);
 *       over any per-source cap it is closed at once, before any TLS work. A source that has not
 *       shown a fleet certificate within the last hour also draws on one budget of new
 *       connections per second shared by all such sources; over it, closed at once too (an
 *       anonymous handshake is the dearest thing an attacker can buy from us). It is unauthenticated;
 *       if that makes more than {@code maxUnauthenticated}, the oldest unauthenticated connection
 *       is closed (so a flood from many addresses cannot keep a host's new connection out: the
 *       host's handshake takes milliseconds, the flood must cycle the whole pool to evict it);
 *   <li>TLS handshake done with a fleet client certificate: authenticated, out of the
 *       unauthenticated counts and deadlines (revocation is checked per request, elsewhere);
 *   <li>still unauthenticated {@code unauthenticatedLifetime} after accept: closed, whatever it
 *       is doing (handshake, headers, body, idle): the deadline of every anonymous request;
 *   <li>closed: uncounted.
 * </ol>
 *
 * <p>Why not Jetty's {@code ConnectionLimit}/{@code NetworkConnectionLimit} alone: they stop
 * accepting for everyone once full, which is exactly how an anonymous flood would lock hosts out;
 * they know neither source addresses nor client certificates. {@code NetworkConnectionLimit} stays
 * as the overall file-descriptor bound.
 */
public final class ConnectionGuard extends AbstractLifeCycle
        implements SelectorManager.AcceptListener, Connection.Listener, SslHandshakeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    /** One accepted connection. */
    private static final class Entry {
        final SelectableChannel channel;
        final InetAddress source;
        final long acceptedNanos = System.nanoTime();
        volatile EndPoint endPoint;
        boolean authenticated; // guarded by the guard

        Entry(SelectableChannel channel, InetAddress source) {
            this.channel = channel;
            this.source = source;
        }

        void close() {
            EndPoint ep = endPoint;
            if (ep != null) {
                ep.close();
            } else {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    /** Counts per source address; dropped when it holds nothing. */
    private static final class Source {
        int all;
        int unauthenticated;
        double tokens;
        long refilledNanos = System.nanoTime();
    }

    private final ServerLimits limits;
    private final Scheduler scheduler;
    private final LogThrottle refusals = new LogThrottle(LOG, "connections refused", 60, 256);
    private final Map<SelectableChannel, Entry> entries = new ConcurrentHashMap<>();
    private final Map<SSLEngine, Entry> byEngine = new ConcurrentHashMap<>();
    private final Map<InetAddress, Source> sources = new HashMap<>();
    /** Unauthenticated entries, oldest first. Guarded by this. */
    private final LinkedHashSet<Entry> unauthenticated = new LinkedHashSet<>();
    private volatile Scheduler.Task sweep;
    /** Sources that completed a handshake with a fleet certificate, and when (last); guarded by this. */
    private final java.util.LinkedHashMap<InetAddress, Long> proven = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Long> eldest) {
            return size() > MAX_PROVEN;
        }
    };
    private static final int MAX_PROVEN = 100_000;
    private static final long PROVEN_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Addresses of approved hosts (from the store, refreshed by the key server's sweep). */
    private volatile java.util.Set<InetAddress> hostAddresses = java.util.Set.of();
    private double unprovenTokens;
    private long unprovenRefilledNanos = System.nanoTime();

    /** A guard with these limits; {@code scheduler} runs the once-a-second lifetime check. */
    public ConnectionGuard(ServerLimits limits, Scheduler scheduler) {
        this.limits = limits;
        this.scheduler = scheduler;
        this.unprovenTokens = 4.0 * limits.newUnprovenConnectionsPerSecond(); // starts with a full bucket
    }

    @Override
    protected void doStart() {
        scheduleSweep();
    }

    @Override
    protected void doStop() {
        Scheduler.Task t = sweep;
        if (t != null) {
            t.cancel();
        }
    }

    /** Open connections that have not shown a fleet certificate (tests, monitoring). */
    public synchronized int unauthenticatedConnections() {
        return unauthenticated.size();
    }

    /** Open connections (tests, monitoring). */
    public int connections() {
        return entries.size();
    }

    /** Writes the sums of refusals whose period has ended. */
    public void flushLog() {
        refusals.flush();
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        InetAddress source = sourceOf(channel);
        Entry entry = new Entry(channel, source);
        Entry evicted = null;
        String refused = null;
        synchronized (this) {
            Source s = sources.computeIfAbsent(source, a -> newSource());
            if (s.all >= limits.maxConnectionsPerSource()) {
                refused = "more than " + limits.maxConnectionsPerSource() + " connections";
            } else if (s.unauthenticated >= limits.maxUnauthenticatedPerSource()) {
                refused = "more than " + limits.maxUnauthenticatedPerSource() + " connections without a certificate";
            } else if (!takeToken(s)) {
                refused = "more than " + limits.newConnectionsPerSecondPerSource() + " new connections a second";
            } else if (!isProven(source) && !takeUnprovenToken()) {
                refused = "more than " + limits.newUnprovenConnectionsPerSecond()
                        + " new connections a second from addresses without a fleet certificate";
            } else {
                s.all++;
                s.unauthenticated++;
                entries.put(channel, entry);
                unauthenticated.add(entry);
                if (unauthenticated.size() > limits.maxUnauthenticated()) {
                    evicted = unauthenticated.iterator().next();
                }
            }
        }
        if (refused != null) {
            refusals.note(source.getHostAddress(), refused);
            entry.close();
            return;
        }
        if (evicted != null) {
            refusals.note("all sources", "oldest connection without a certificate closed: more than "
                    + limits.maxUnauthenticated() + " open");
            evicted.close();
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        forget(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        forget(channel);
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof SslConnection ssl
                && connection.getEndPoint() instanceof SelectableChannelEndPoint ep) {
            Entry e = entries.get(ep.getChannel());
            if (e != null) {
                e.endPoint = ep;
                byEngine.put(ssl.getSSLEngine(), e);
            }
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof SslConnection ssl) {
            byEngine.remove(ssl.getSSLEngine());
            if (connection.getEndPoint() instanceof SelectableChannelEndPoint ep) {
                forget(ep.getChannel());
            }
        }
    }

    @Override
    public void handshakeSucceeded(Event event) {
        Entry e = byEngine.get(event.getSSLEngine());
        if (e == null || !presentedCertificate(event.getSSLEngine())) {
            return; // the connection stays unauthenticated, with its deadline
        }
        synchronized (this) {
            proven.put(e.source, System.nanoTime());
            if (!e.authenticated && unauthenticated.remove(e)) {
                e.authenticated = true;
                Source s = sources.get(e.source);
                if (s != null) {
                    s.unauthenticated--;
                }
            }
        }
    }

    /** The trust manager only lets fleet-CA certificates through, so any peer certificate is one. */
    private static boolean presentedCertificate(SSLEngine engine) {
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain != null && chain.length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    private void forget(SelectableChannel channel) {
        Entry e = entries.remove(channel);
        if (e == null) {
            return;
        }
        synchronized (this) {
            boolean wasUnauthenticated = unauthenticated.remove(e);
            Source s = sources.get(e.source);
            if (s != null) {
                s.all--;
                if (wasUnauthenticated) {
                    s.unauthenticated--;
                }
            }
        }
    }

    private Source newSource() {
        Source s = new Source();
        s.tokens = 2.0 * limits.newConnectionsPerSecondPerSource(); // a new source starts with a full bucket
        return s;
    }

    private boolean takeToken(Source s) {
        long now = System.nanoTime();
        double rate = limits.newConnectionsPerSecondPerSource();
        s.tokens = Math.min(2 * rate, s.tokens + (now - s.refilledNanos) * rate / 1e9);
        s.refilledNanos = now;
        if (s.tokens < 1) {
            return false;
        }
        s.tokens -= 1;
        return true;
    }

    /**
     * The addresses approved hosts enrolled with: they count as proven without having connected
     * yet (after a key server restart, every host reconnects), so a flood from unknown addresses
     * never takes their turn. A TCP connection cannot come from an address the client does not
     * hold, so naming an enrolled address buys an attacker nothing unless it owns it.
     */
    public void trustHostAddresses(java.util.Collection<InetAddress> addresses) {
        hostAddresses = java.util.Set.copyOf(addresses);
    }

    /** A fleet certificate was shown from this address within the hour, or an approved host enrolled with it; caller holds the lock. */
    private boolean isProven(InetAddress source) {
        if (hostAddresses.contains(source)) {
            return true;
        }
        Long at = proven.get(source);
        return at != null && System.nanoTime() - at < PROVEN_NANOS;
    }

    /** The shared budget of unproven sources (burst 4×); caller holds the lock. */
    private boolean takeUnprovenToken() {
        long now = System.nanoTime();
        double rate = limits.newUnprovenConnectionsPerSecond();
        unprovenTokens = Math.min(4 * rate, unprovenTokens + (now - unprovenRefilledNanos) * rate / 1e9);
        unprovenRefilledNanos = now;
        if (unprovenTokens < 1) {
            return false;
        }
        unprovenTokens -= 1;
        return true;
    }

    /** Closes every unauthenticated connection past its lifetime, then runs again in a second. */
    private void sweepExpired() {
        long now = System.nanoTime();
        long lifetime = limits.unauthenticatedLifetime().toNanos();
        List<Entry> expired = new ArrayList<>();
        synchronized (this) {
            for (Entry e : unauthenticated) {
                if (now - e.acceptedNanos < lifetime) {
                    break; // oldest first: the rest are younger
                }
                expired.add(e);
            }
            // A source with no connection is forgotten once its bucket would be full again, so
            // opening and closing connections in a loop does not reset its rate.
            sources.values().removeIf(s -> s.all <= 0 && now - s.refilledNanos > 2_000_000_000L);
        }
        expired.forEach(Entry::close);
        refusals.flush();
        if (isRunning()) {
            scheduleSweep();
        }
    }

    private void scheduleSweep() {
        sweep = scheduler.schedule(this::sweepExpired, 1, TimeUnit.SECONDS);
    }

    private static InetAddress sourceOf(SelectableChannel channel) {
        try {
            if (channel instanceof SocketChannel sc && sc.getRemoteAddress() instanceof InetSocketAddress a) {
                return a.getAddress();
            }
        } catch (IOException e) {
            // fall through: an unknown peer shares one bucket
        }
        return InetAddress.getLoopbackAddress();
    }
}
