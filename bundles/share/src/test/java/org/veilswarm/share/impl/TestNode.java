package org.veilswarm.share.impl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.swarm.engine.EngineConfig;
import org.veilswarm.swarm.engine.SwarmEngine;
import org.veilswarm.tracker.internal.TestTrackerServer;
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
    final int trackerPort;
    final TestIdentity identity = new TestIdentity();
    final DirectTransportEngine transport =
            new DirectTransportEngine(DirectTransportSettings.builder().bindAddress("127.0.0.1").build());
    MemoryTrackerStore store;
    TestTrackerServer tracker;
    SwarmEngine engine;
    ShareService shares;
    DownloadService downloads;

    TestNode(Path dataDir, int trackerPort) throws Exception {
        this.dataDir = dataDir;
        this.trackerPort = trackerPort;
        start();
    }

    /** Starts (or starts again after {@link #stop}) everything but the transport. */
    void start() throws Exception {
        store = new MemoryTrackerStore();
        tracker = new TestTrackerServer(identity, dataDir.resolve("tracker"), trackerPort, store, transport);
        engine = new SwarmEngine(EngineConfig.defaults().withTimeouts(Duration.ofSeconds(10), Duration.ofMinutes(3)));
        int peerPort = engine.listen(transport, null, 0).toCompletableFuture().get().address().port();
        ShareContext context = new ShareContext(engine, tracker.shares(), () -> Optional.of(store),
                () -> List.<Transport>of(transport), Optional.of(identity), dataDir, peerPort);
        shares = new ShareService(context);
        downloads = new DownloadService(context);
        shares.start();
        awaitTracker();
    }

    private void awaitTracker() throws InterruptedException {
        for (int i = 0; i < 400 && tracker.endpoints().isEmpty(); i++) {
            Thread.sleep(25);
        }
        if (tracker.endpoints().isEmpty()) {
            throw new AssertionError("the tracker does not listen");
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

    @Override
    public void close() {
        stop();
        transport.close();
    }
}
