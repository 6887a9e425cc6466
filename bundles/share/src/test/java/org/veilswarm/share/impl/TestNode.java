package org.veilswarm.share.impl;

import static org.veilswarm.share.impl.ShareTestSupport.freePort;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.swarm.engine.EngineConfig;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.tracker.internal.TestTrackerServer;
import org.veilswarm.tracker.mirror.TestIdentity;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

/**
 * One node in the JVM, built from the real parts: a direct transport on 127.0.0.1, a tracker (the tracker
 * bundle's server, with mirroring, over a memory store) on a fixed port so a restart keeps the links, a swarm
 * engine, and the share and download services over its own data directory and identity.
 */
final class TestNode implements AutoCloseable {
    final Path dataDir;
    /** Fixed once the tracker first listened: a restart keeps it, so links stay valid. */
    int trackerPort;
    private boolean trackerListened;
    final TestIdentity identity = new TestIdentity();
    final DirectTransportEngine transport =
            new DirectTransportEngine(DirectTransportSettings.builder().bindAddress("127.0.0.1").build());
    /** The direct transport as the node uses it: {@link #transport} itself unless a test wraps it. */
    private Transport direct = transport;
    MemoryTrackerStore store;
    int peerPort;
    TestTrackerServer tracker;
    SwarmEngine engine;
    ShareContext context;
    ShareService shares;
    DownloadService downloads;

    /** Besides the direct transport, when given: an anonymous one that publishes under the node's onion address. */
    final LoopbackOnionTransport onion;
    final LinkSettings links;
    /** K, the onion services of its own each share is published on (the share bundle's default: 2). */
    int servicesPerShare = 2;
    /** The owner's upload limit (tests that watch a download while it runs). */
    org.veilswarm.swarm.engine.RateLimiter uploadLimit = org.veilswarm.swarm.engine.RateLimiter.UNLIMITED;
    /** The node bundle's per-share key store, over {@code <data>/keys/shares/}. */
    org.veilswarm.node.impl.ShareKeyStore serviceKeys;

    TestNode(Path dataDir, int trackerPort) throws Exception {
        this(dataDir, trackerPort, null, LinkSettings.defaults());
    }

    TestNode(Path dataDir, int trackerPort, LoopbackOnionTransport.Directory onionDirectory, LinkSettings links)
            throws Exception {
        this(dataDir, trackerPort, onionDirectory, links, 2, org.veilswarm.swarm.engine.RateLimiter.UNLIMITED);
    }

    /**
     * Without onion transport, the direct transport as {@code wrapDirect} makes it (a test that fails chosen
     * dials), with an upload limit.
     */
    TestNode(Path dataDir, int trackerPort, java.util.function.UnaryOperator<Transport> wrapDirect,
            org.veilswarm.swarm.engine.RateLimiter uploadLimit) throws Exception {
        this.uploadLimit = uploadLimit;
        this.dataDir = dataDir;
        this.trackerPort = trackerPort;
        this.onion = null;
        this.links = LinkSettings.defaults();
        this.direct = wrapDirect.apply(transport);
        bound.add(direct);
        start();
    }

    /** With K onion services per share and an upload limit. */
    TestNode(Path dataDir, int trackerPort, LoopbackOnionTransport.Directory onionDirectory, LinkSettings links,
            int servicesPerShare, org.veilswarm.swarm.engine.RateLimiter uploadLimit) throws Exception {
        this.servicesPerShare = servicesPerShare;
        this.uploadLimit = uploadLimit;
        this.dataDir = dataDir;
        this.trackerPort = trackerPort;
        this.onion = onionDirectory == null ? null : new LoopbackOnionTransport(onionDirectory);
        this.links = links;
        bound.add(direct);
        if (onion != null) {
            bound.add(onion);
        }
        start();
    }

    /** The bound transports; {@link #bindOnion}/{@link #unbindOnion} change it while the node runs. */
    private final List<Transport> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
    private org.veilswarm.api.transport.Listener onionPeerListener;

    private List<Transport> transports() {
        return List.copyOf(bound);
    }

    /**
     * A node whose onion transport is not bound at start ({@code onionLater}) or that has only the onion transport
     * ({@code onionOnly}).
     */
    TestNode(Path dataDir, int trackerPort, LoopbackOnionTransport.Directory onionDirectory, LinkSettings links,
            boolean onionLater, boolean onionOnly) throws Exception {
        this.dataDir = dataDir;
        this.trackerPort = trackerPort;
        this.onion = new LoopbackOnionTransport(onionDirectory);
        this.links = links;
        if (!onionOnly) {
            bound.add(direct);
        }
        if (!onionLater) {
            bound.add(onion);
        }
        start();
    }

    /**
     * Binds the onion transport into the running node, as a tor transport installed later: the tracker and the
     * swarm engine listen on it (the engine at its peer port, under the node's key), then the share layer sees it.
     */
    void bindOnion() throws Exception {
        publishTrackerOnOnion();
        bindOnionForPeersAndShares();
    }

    /**
     * The first half of {@link #bindOnion}: the tracker listens on the onion transport (links name its onion
     * endpoint), but the node cannot announce itself there yet, as between a tor transport's tracker service
     * being published and the node's own announce over tor landing.
     */
    void publishTrackerOnOnion() {
        tracker.addTransport(onion);
    }

    /** The second half: the swarm engine listens on the onion transport and the share layer sees it. */
    void bindOnionForPeersAndShares() throws Exception {
        onionPeerListener = engine.listen(HiddenTorrents.of(engine).gate(onion), identity.serviceKey(), peerPort)
                .toCompletableFuture().get();
        bound.add(onion);
    }

    /** Unbinds the onion transport again. */
    void unbindOnion() throws Exception {
        bound.remove(onion);
        tracker.removeTransport(onion);
        onionPeerListener.closeAsync().toCompletableFuture().get();
    }

    /** A new, empty memory store in place of the bound one (its bundle updated), for the tracker and the shares. */
    void swapStore() {
        store = new MemoryTrackerStore();
        tracker.storeBound(store);
    }

    /** Starts (or starts again after {@link #stop}) everything but the transport. */
    void start() throws Exception {
        store = new MemoryTrackerStore();
        startTracker();
        engine = new SwarmEngine(EngineConfig.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofMinutes(3))
                .withUploadLimit(uploadLimit));
        if (bound.contains(direct)) {
            // gated as the node's SwarmEngineComponent does (HiddenTorrents)
            peerPort = engine.listen(HiddenTorrents.of(engine).gate(direct), null, 0).toCompletableFuture().get()
                    .address().port();
        } else if (peerPort == 0) {
            peerPort = freePort();
        }
        if (bound.contains(onion)) {
            // As the node's swarm engine: the same port on every transport, under the node's key on anonymous ones.
            engine.listen(HiddenTorrents.of(engine).gate(onion), identity.serviceKey(), peerPort).toCompletableFuture()
                    .get();
        }
        serviceKeys = new org.veilswarm.node.impl.ShareKeyStore(dataDir.resolve("keys/shares"));
        context = new ShareContext(engine, tracker.shares(), () -> Optional.of(store),
                this::transports, Optional.of(identity), dataDir, peerPort, links, Optional.of(serviceKeys),
                servicesPerShare);
        shares = new ShareService(context);
        downloads = new DownloadService(context);
        shares.start();
        downloads.start();
    }

    /**
     * The tracker on its fixed port, listening on every transport before anything uses it. Right after a stop the
     * port may still be held by the previous listener, whose close is asynchronous (a loaded machine): the tracker
     * is then started again after a pause, until a deadline. At the first start the port (found free by the
     * test) may have been taken by another process meanwhile: another free port is tried then.
     */
    private void startTracker() throws InterruptedException {
        int expected = transports().size();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            tracker = new TestTrackerServer(identity, dataDir.resolve("tracker"), trackerPort, store,
                    onion == null ? null : identity.serviceKey(), transports());
            long attemptEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (tracker.endpoints().size() < expected && System.nanoTime() - attemptEnd < 0) {
                Thread.sleep(25);
            }
            if (tracker.endpoints().size() == expected) {
                trackerListened = true;
                return;
            }
            List<TransportAddress> seen = tracker.endpoints();
            tracker.close();
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("the tracker listens on " + seen + " only (port " + trackerPort + ")");
            }
            Thread.sleep(250);
            if (!trackerListened) {
                try {
                    trackerPort = freePort();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    TransportAddress trackerEndpoint() {
        return tracker.endpoints().get(0);
    }

    void stop() {
        shares.close();
        downloads.close();
        engine.close();
        tracker.close();
    }

    /** Closes each node that was started (null: never started), in the order given. */
    static void closeAll(TestNode... nodes) {
        for (TestNode n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Override
    public void close() {
        stop();
        transport.close();
        if (onion != null) {
            onion.close();
        }
    }
}
