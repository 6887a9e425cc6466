package org.veilswarm.tracker.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.PersistentListen;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.impl.TrackerServerInitializer;
import org.veilswarm.tracker.impl.TrackerService;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.mirror.FeedFollower;
import org.veilswarm.tracker.mirror.FeedSettings;
import org.veilswarm.tracker.mirror.MirrorServerInitializer;
import org.veilswarm.tracker.mirror.MirrorSettings;
import org.veilswarm.tracker.mirror.MirrorSource;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * One tracker served on any number of transports over one replaceable store, free of OSGi: the component binds
 * transports and stores to it as they come and go. Each transport gets its own listener on the same port and
 * service key; the token table and the store are shared by all of them.
 */
final class TrackerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.tracker");
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    /** The store in use and whether its calls block. */
    private record BoundStore(TrackerStore store, boolean blocking) {
    }

    /** A transport's listener, still being opened or open. */
    private record Listening(String scheme, PersistentListen listen) {
        CompletableFuture<Listener> listener() {
            return listen.listener();
        }
    }

    /** Retries of a transport that cannot listen yet (no directory, tor bootstrapping): 1 s doubling to 60 s. */
    private static final Duration LISTEN_FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LISTEN_MAX_RETRY = Duration.ofSeconds(60);

    private final ServiceKey key;
    private final int port;
    private final Duration peerExpiry;
    private final Clock clock;
    private final ShareRegistry shares;
    private final AtomicReference<BoundStore> store = new AtomicReference<>();
    /** The store the mirrors' copies went to last (kept while no store is bound). */
    private final AtomicReference<TrackerStore> mirroredInto = new AtomicReference<>();
    private final EventExecutorGroup storeExecutors;
    private final TrackerService service;
    private final TrackerServerInitializer initializer;
    private final ScheduledExecutorService sweeper;
    private final Map<Transport, Listening> listeners = new IdentityHashMap<>();
    private final ChannelInitializer<Channel> listening;
    private final FeedFollower feed;
    private final MirrorRegistry mirrors;
    private boolean closed;

    /**
     * What mirroring needs. The server then serves the mirroring paths (signed by {@code identity}) and keeps
     * the mirrors of {@code dir}.
     *
     * @param identity signs what this node serves to mirrors and verifies what it copies
     * @param dir where mirrors are kept ({@code <data>/tracker/mirrors})
     * @param maxWait the longest long poll this node holds for its mirrors
     * @param indexPeriod how often node mirrors ask for a node's public index
     */
    record Mirroring(NodeIdentity identity, Path dir, MirrorSettings settings, FeedSettings feed, Duration maxWait,
            Duration indexPeriod) {
        Mirroring {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(maxWait, "maxWait");
            Objects.requireNonNull(indexPeriod, "indexPeriod");
        }
    }

    /** A tracker without mirroring. */
    TrackerServer(ServiceKey key, int port, TrackerSettings settings, Duration peerExpiry, Duration sweepPeriod,
            int storeThreads, SecureRandom random, Clock clock) {
        this(key, port, settings, peerExpiry, sweepPeriod, storeThreads, random, clock, null);
    }

    /**
     * @param mirroring {@code null}: neither serve mirrors nor keep any; saved mirrors that cannot be read are
     *                  logged, and the tracker serves without them
     */
    TrackerServer(ServiceKey key, int port, TrackerSettings settings, Duration peerExpiry, Duration sweepPeriod,
            int storeThreads, SecureRandom random, Clock clock, Mirroring mirroring) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, not " + port);
        }
        if (storeThreads < 1) {
            throw new IllegalArgumentException("storeThreads must be at least 1");
        }
        this.key = key;
        this.port = port;
        this.peerExpiry = Objects.requireNonNull(peerExpiry, "peerExpiry");
        this.clock = clock;
        this.shares = new ShareRegistry(random, this::endpoints);
        this.service = new TrackerService(this::currentStore, shares, settings, clock);
        this.storeExecutors = new DefaultEventExecutorGroup(storeThreads,
                new DefaultThreadFactory("veilswarm-tracker-store", true));
        this.initializer = new TrackerServerInitializer(service, storeExecutors, this::storeBlocks);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veilswarm-tracker-expiry");
            t.setDaemon(true);
            return t;
        });
        long period = sweepPeriod.toMillis();
        sweeper.scheduleWithFixedDelay(this::expirePeers, period, period, TimeUnit.MILLISECONDS);
        if (mirroring == null) {
            this.listening = initializer;
            this.feed = null;
            this.mirrors = null;
            return;
        }
        this.feed = new FeedFollower(this::currentStore, mirroring.feed()).start();
        MirrorSource source = new MirrorSource(feed, shares, mirroring.identity(), mirroring.settings().limits(),
                mirroring.maxWait(), shares);
        this.listening = new MirrorServerInitializer(initializer, source, mirroring.maxWait());
        this.mirrors = new MirrorRegistry(mirroring.dir(), this::connect, CurrentStore.following(this::currentStore),
                mirroring.identity(), shares, mirroring.settings(), mirroring.indexPeriod());
        try {
            mirrors.start();
        } catch (IOException e) {
            // The tracker serves this node's own shares whatever happened to the mirrors' directory.
            LOG.log(Level.ERROR, "tracker: cannot resume the mirrors in " + mirroring.dir() + ": " + e.getMessage());
        }
    }

    /** The mirrors this node keeps; empty without mirroring. */
    /** The source's follower of the bound store, with mirroring. */
    Optional<FeedFollower> feed() {
        return Optional.ofNullable(feed);
    }

    Optional<MirrorRegistry> mirrors() {
        return Optional.ofNullable(mirrors);
    }

    /**
     * Opens a stream to {@code to} on the bound transport that can reach it, the most anonymous one when
     * several can (an onion address on onion or tor, never on direct).
     */
    CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> init) {
        Transport best = null;
        synchronized (this) {
            for (Transport t : listeners.keySet()) {
                if (t.canReach(to) && (best == null
                        || t.info().anonymity().compareTo(best.info().anonymity()) > 0)) {
                    best = t;
                }
            }
        }
        if (best == null) {
            return CompletableFuture.failedFuture(new IOException("no bound transport reaches " + to));
        }
        return best.connect(to, init);
    }

    ShareRegistry shares() {
        return shares;
    }

    TrackerService service() {
        return service;
    }

    private TrackerStore currentStore() {
        BoundStore bound = store.get();
        return bound == null ? null : bound.store();
    }

    private boolean storeBlocks() {
        BoundStore bound = store.get();
        return bound != null && bound.blocking();
    }

    /** Uses {@code newStore} from now on (requests already running finish on the store they started with). */
    void storeBound(TrackerStore newStore, boolean blocking) {
        // Requests run on the event loop unless the store's announces and scrapes may block: a store whose
        // other calls block (records, feed) may still answer those from memory (JDBC with write-behind).
        store.set(new BoundStore(Objects.requireNonNull(newStore, "store"), blocking && newStore.announceMayBlock()));
        TrackerStore before = mirroredInto.getAndSet(newStore);
        if (mirrors != null && before != null && before != newStore) {
            // The copies are in the old store: the mirrors copy again into the new one (off the DS thread).
            CompletableFuture.runAsync(mirrors::storeReplaced);
        }
    }

    /** Forgets {@code oldStore} unless another store has replaced it already (greedy rebinding binds first). */
    void storeUnbound(TrackerStore oldStore) {
        store.updateAndGet(current -> current != null && current.store() == oldStore ? null : current);
    }

    /** Removes peers not heard from within the peer expiry; a failing store is retried at the next sweep. */
    void expirePeers() {
        TrackerStore current = currentStore();
        if (current == null) {
            return;
        }
        try {
            int removed = current.expirePeers(clock.instant().minus(peerExpiry));
            if (removed > 0) {
                LOG.log(Level.DEBUG, "tracker: {0} expired peers removed", removed);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "tracker: peer expiry failed, retrying at the next sweep: " + e.getMessage());
        }
    }

    /**
     * Starts listening on {@code transport}, and keeps trying while it cannot (an onion transport without a
     * directory yet); failures are logged and leave the other transports serving.
     */
    void addTransport(Transport transport, String scheme) {
        synchronized (this) {
            if (closed || listeners.containsKey(transport)) {
                return;
            }
            AtomicInteger failures = new AtomicInteger();
            PersistentListen listen = PersistentListen.start(transport, key, port, listening, sweeper,
                    LISTEN_FIRST_RETRY, LISTEN_MAX_RETRY, (failure, retryIn) -> LOG.log(
                            failures.getAndIncrement() == 0 ? Level.ERROR : Level.DEBUG,
                            "tracker: cannot listen on transport " + scheme + " port " + port + ": "
                                    + failure.getMessage() + " (trying again in " + retryIn.toSeconds() + " s)"));
            listen.listener().thenAccept(listener -> LOG.log(Level.INFO,
                    "tracker: serving on " + scheme + " at " + listener.address()));
            listeners.put(transport, new Listening(scheme, listen));
        }
    }

    /** Stops listening on {@code transport} (its open streams are the transport's to close as it goes). */
    void removeTransport(Transport transport) {
        Listening gone;
        synchronized (this) {
            gone = listeners.remove(transport);
        }
        if (gone != null) {
            gone.listen().closeAsync();
        }
    }

    /** Addresses of the listeners open now. */
    synchronized List<TransportAddress> endpoints() {
        List<TransportAddress> open = new ArrayList<>();
        for (Listening l : listeners.values()) {
            // A listener that failed to open (a transport that cannot publish, a port in use) is no endpoint;
            // getNow would throw its failure at every caller.
            Listener listener = l.listener().isCompletedExceptionally() ? null : l.listener().getNow(null);
            if (listener != null && listener.isOpen()) {
                open.add(listener.address());
            }
        }
        return open;
    }

    @Override
    public void close() {
        if (mirrors != null) {
            mirrors.close();
        }
        if (feed != null) {
            // First, so that long polls held open answer 503 now instead of keeping their streams (and the
            // listeners' close) waiting for up to the longest long poll.
            feed.close();
        }
        List<Listening> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(listeners.values());
            listeners.clear();
        }
        for (Listening l : all) {
            try {
                l.listen().closeAsync().toCompletableFuture().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.WARNING, "tracker: listener on " + l.scheme() + " did not close cleanly: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sweeper.shutdownNow();
        storeExecutors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
