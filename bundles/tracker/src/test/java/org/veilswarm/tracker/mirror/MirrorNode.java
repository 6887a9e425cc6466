package org.veilswarm.tracker.mirror;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.tracker.impl.TrackerServerInitializer;
import org.veilswarm.tracker.impl.TrackerService;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.protocol.AnnounceRequest;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.ShareTokenTable;
import org.veilswarm.tracker.protocol.TrackerClient;
import org.veilswarm.tracker.protocol.TrackerUrl;
import org.veilswarm.tracker.store.jdbc.JdbcTrackerStore;
import org.veilswarm.tracker.store.jdbc.PooledDataSources;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;
import org.veilswarm.transport.direct.impl.DirectTransportSettings;

import com.zaxxer.hikari.HikariDataSource;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * One node for mirroring tests: an identity, a store (memory or JDBC on an H2 file), a share table, the real
 * tracker pipeline with mirroring served by the direct transport on 127.0.0.1, and a tracker client.
 */
final class MirrorNode implements AutoCloseable {
    static final Duration MAX_WAIT = Duration.ofSeconds(25);

    enum StoreKind {
        MEMORY, H2
    }

    final TestIdentity identity;
    final TrackerStore store;
    final ShareTokenTable tokens = new ShareTokenTable();
    final TrackerService service;
    final FeedFollower feed;
    final MirrorSource source;
    /**
     * One engine for every node of a test run: closing an engine waits for Netty's quiet period (2 s), which
     * per node would dominate the tests' time. Nodes are told apart by their listeners.
     */
    static final DirectTransportEngine SHARED_ENGINE = new DirectTransportEngine(DirectTransportSettings.defaults());

    final DirectTransportEngine engine = SHARED_ENGINE;
    final TrackerClient client = new TrackerClient(engine::connect, Duration.ofSeconds(10));
    private final HikariDataSource pool;
    private final EventExecutorGroup storeExecutor;
    private Listener listener;

    /** A node over a store the test made (memory-like: it never blocks). */
    MirrorNode(TrackerStore store) {
        this.identity = new TestIdentity();
        this.store = store;
        this.pool = null;
        this.storeExecutor = null;
        service = new TrackerService(store, tokens, TrackerSettings.DEFAULT, Clock.systemUTC());
        feed = new FeedFollower(store, FeedSettings.DEFAULT).start();
        source = new MirrorSource(feed, tokens, identity, MirrorLimits.DEFAULT, MAX_WAIT);
    }

    MirrorNode(StoreKind kind, String h2Url, TestIdentity identity, FeedSettings feedSettings) throws Exception {
        this.identity = identity;
        if (kind == StoreKind.H2) {
            pool = PooledDataSources.open(h2Url, "veilswarm", "", 4);
            store = new JdbcTrackerStore(pool);
            storeExecutor = new DefaultEventExecutorGroup(2);
        } else {
            pool = null;
            store = new MemoryTrackerStore();
            storeExecutor = null;
        }
        service = new TrackerService(store, tokens, TrackerSettings.DEFAULT, Clock.systemUTC());
        feed = new FeedFollower(store, feedSettings).start();
        source = new MirrorSource(feed, tokens, identity, MirrorLimits.DEFAULT, MAX_WAIT);
    }

    static MirrorNode memory() throws Exception {
        return new MirrorNode(StoreKind.MEMORY, null, new TestIdentity(), FeedSettings.DEFAULT);
    }

    static MirrorNode of(StoreKind kind, Path dir, String name) throws Exception {
        return new MirrorNode(kind, h2Url(dir, name), new TestIdentity(), FeedSettings.DEFAULT);
    }

    static String h2Url(Path dir, String name) {
        return "jdbc:h2:file:" + dir.resolve(name).resolve("tracker") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** Serves the tracker with mirroring on an ephemeral loopback port. */
    MirrorNode listen() throws Exception {
        return listen(new MirrorServerInitializer(trackerInitializer(), source, MAX_WAIT));
    }

    MirrorNode listen(ChannelInitializer<Channel> initializer) throws Exception {
        listener = engine.listen(null, 0, initializer).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return this;
    }

    ChannelInitializer<Channel> trackerInitializer() {
        return storeExecutor == null ? new TrackerServerInitializer(service)
                : new TrackerServerInitializer(service, storeExecutor);
    }

    int port() {
        return listener.address().port();
    }

    String newShare(Visibility visibility, InfoHash... hashes) {
        String token = ShareTokenTable.newToken(new SecureRandom());
        tokens.put(token, new org.veilswarm.tracker.protocol.TrackedShare(visibility, java.util.Set.of(hashes)));
        return token;
    }

    String shareUrl(Visibility visibility, String token) {
        return "http://127.0.0.1:" + port() + MirrorScope.prefix(visibility, token);
    }

    /** The link a mirror uses: this node's onion address (the key) and its loopback endpoint. */
    MirrorLink link(Visibility visibility, String token) {
        return MirrorLink.of(identity.address(), shareUrl(visibility, token));
    }

    TrackerUrl announceUrl(Visibility visibility, String token) {
        return TrackerUrl.parse(shareUrl(visibility, token) + "/announce");
    }

    AnnounceResponse announce(Visibility visibility, String token, InfoHash hash, int peer, AnnounceEvent event)
            throws Exception {
        AnnounceRequest request = new AnnounceRequest(hash, String.format("-VS0001-%012d", peer).getBytes(),
                1024 + peer, 0, 0, peer % 3 == 0 ? 0 : 1000, event, OptionalInt.of(200), true, false,
                Optional.empty());
        return client.announce(announceUrl(visibility, token), request).get(10, TimeUnit.SECONDS);
    }

    /** Stops serving (the node "goes away"); the store stays readable for assertions. */
    void stopServing() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        feed.close();
    }

    @Override
    public void close() {
        stopServing();
        if (storeExecutor != null) {
            storeExecutor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (pool != null) {
            pool.close();
        }
    }
}
