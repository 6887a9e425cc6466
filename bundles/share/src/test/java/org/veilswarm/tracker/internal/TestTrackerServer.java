package org.veilswarm.tracker.internal;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.api.TrackerShares;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.mirror.FeedSettings;
import org.veilswarm.tracker.mirror.MirrorSettings;

/**
 * The tracker bundle's real server (package-private there) for tests of the share layer: the same class the
 * tracker's DS component runs, with mirroring, on its transports and one store.
 */
public final class TestTrackerServer implements AutoCloseable {
    private final TrackerServer server;

    public TestTrackerServer(NodeIdentity identity, Path dir, int port, TrackerStore store, Transport transport) {
        this(identity, dir, port, store, null, List.of(transport));
    }

    /** On several transports, anonymous ones publishing the tracker under {@code key}. */
    public TestTrackerServer(NodeIdentity identity, Path dir, int port, TrackerStore store,
            org.veilswarm.api.transport.ServiceKey key, List<Transport> transports) {
        server = new TrackerServer(key, port, TrackerSettings.DEFAULT, Duration.ofMinutes(45), Duration.ofHours(1), 2,
                new SecureRandom(), Clock.systemUTC(), new TrackerServer.Mirroring(identity, dir.resolve("mirrors"),
                        MirrorSettings.DEFAULT, FeedSettings.DEFAULT, Duration.ofSeconds(5), Duration.ofMinutes(1)));
        server.storeBound(store, false);
        for (Transport transport : transports) {
            server.addTransport(transport, transport.info().scheme());
        }
    }

    /** Listens on one more transport, as the tracker component does when a transport is bound later. */
    /** Binds another store, as DS does when the store bundle is updated or another store takes over. */
    public void storeBound(TrackerStore store) {
        server.storeBound(store, false);
    }

    public void addTransport(Transport transport) {
        server.addTransport(transport, transport.info().scheme());
    }

    /** Stops listening on a transport, as when it is unbound. */
    public void removeTransport(Transport transport) {
        server.removeTransport(transport);
    }

    public TrackerShares shares() {
        return server.shares();
    }

    public List<TransportAddress> endpoints() {
        return server.endpoints();
    }

    @Override
    public void close() {
        server.close();
    }
}
