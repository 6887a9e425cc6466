package org.veilswarm.tracker.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.impl.TrackerSettings;
import org.veilswarm.tracker.mirror.FeedSettings;
import org.veilswarm.tracker.mirror.MirrorSettings;
import org.veilswarm.tracker.mirror.TestIdentity;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.tracker.protocol.PercentEncoding;
import org.veilswarm.tracker.store.jdbc.JdbcTrackerStore;
import org.veilswarm.tracker.store.jdbc.PooledDataSources;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

import com.zaxxer.hikari.HikariDataSource;

/**
 * A node as the tracker component runs it, without the framework: a {@link TrackerServer} with mirroring, its
 * own identity and store (memory, or H2 in a file under the node's directory), served on a direct transport
 * on 127.0.0.1, mirrors kept under {@code <dir>/tracker/mirrors}.
 */
final class MirroringNode implements AutoCloseable {
    enum StoreKind {
        MEMORY, H2
    }

    /** Short long polls and index periods, so that the tests wait for mirrors, not for timers. */
    static final MirrorSettings FAST = MirrorSettings.DEFAULT.withTiming(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofMillis(50), Duration.ofMillis(500));
    static final Duration INDEX_PERIOD = Duration.ofMillis(200);

    final TestIdentity identity;
    final Path dir;
    final TrackerStore store;
    final TrackerServer server;
    private final HikariDataSource pool;

    /**
     * @param memoryStore the memory store to use again (a store bundle that outlived the tracker), or
     *                    {@code null} for a new one; ignored for H2, whose file outlives everything
     */
    MirroringNode(TestIdentity identity, StoreKind kind, Path dir, DirectTransportEngine transport,
            TrackerStore memoryStore) {
        this(identity, kind, dir, transport, memoryStore, FAST);
    }

    MirroringNode(TestIdentity identity, StoreKind kind, Path dir, DirectTransportEngine transport,
            TrackerStore memoryStore, MirrorSettings settings) {
        this.identity = identity;
        this.dir = dir;
        if (kind == StoreKind.H2) {
            pool = PooledDataSources.open("jdbc:h2:file:" + dir.resolve("tracker-db") + ";DB_CLOSE_ON_EXIT=FALSE",
                    "veilswarm", "", 4);
            store = new JdbcTrackerStore(pool);
        } else {
            pool = null;
            store = memoryStore != null ? memoryStore : new MemoryTrackerStore();
        }
        server = new TrackerServer(null, 0, TrackerSettings.DEFAULT, Duration.ofMinutes(45), Duration.ofHours(1), 2,
                new SecureRandom(), Clock.systemUTC(), new TrackerServer.Mirroring(identity,
                        dir.resolve("tracker").resolve("mirrors"), settings, FeedSettings.DEFAULT, Duration.ofSeconds(5),
                        INDEX_PERIOD));
        server.storeBound(store, kind == StoreKind.H2);
        server.addTransport(transport, "direct");
    }

    MirrorRegistry mirrors() {
        return server.mirrors().orElseThrow();
    }

    ShareRegistry shares() {
        return server.shares();
    }

    TransportAddress endpoint() throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            List<TransportAddress> endpoints = server.endpoints();
            if (!endpoints.isEmpty()) {
                return endpoints.get(0);
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the tracker does not listen");
    }

    /** Announces peer {@code peer} of {@code hash} under {@code prefix} ({@code /public/<token>/} ...). */
    RawHttp announce(String prefix, InfoHash hash, int peer) throws IOException, InterruptedException {
        return RawHttp.get(endpoint().port(), prefix + "announce?info_hash=" + PercentEncoding.encodeAll(hash.bytes())
                + "&peer_id=" + String.format("-VS0001-%012d", peer) + "&port=" + (20_000 + peer)
                + "&uploaded=0&downloaded=0&left=100&compact=1&numwant=50");
    }

    /** The peers this node's tracker hands out for {@code share}'s torrent (announcing as a new peer). */
    List<TransportAddress> peersFor(TrackerShare share, InfoHash hash, int asPeer) throws Exception {
        RawHttp answer = announce(share.pathPrefix(), hash, asPeer);
        if (answer.status() != 200) {
            throw new AssertionError("announce answered " + answer.status() + ": " + answer.bodyText());
        }
        return AnnounceResponse.parse(answer.body()).peers();
    }

    @Override
    public void close() {
        server.close();
        if (pool != null) {
            pool.close();
        }
    }
}
