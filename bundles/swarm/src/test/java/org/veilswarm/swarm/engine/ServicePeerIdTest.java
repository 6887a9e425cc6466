package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * K-way multiplexing in the engine (issue 5): a seeder that accepts peers on two listeners of its own, each
 * answering with another peer id ({@link SwarmEngine#peerAcceptor}), is two peers to a downloader connected to
 * both, and the seeder keeps both of that downloader's connections. With the engine's one peer id on both, the
 * second connection is closed as a duplicate (shown first, so the test fails if the rule stops telling them apart).
 */
class ServicePeerIdTest {
    private static final long WAIT_MILLIS = 20_000;
    /**
     * The seeder's upload limit: the downloads below last seconds, so the connections are watched while they run
     * (two seeds close their connection: "both seeding").
     */
    private static final long UPLOAD_BYTES_PER_SECOND = 512 * 1024;

    @TempDir
    Path dir;

    @Test
    void twoListenersWithTwoServicePeerIdsAreTwoPeersOnBothSides() throws Exception {
        DirectTransportEngine transport = Loopback.transport();
        SwarmEngine seeder = limitedSeeder(transport);
        SwarmEngine leecher = Loopback.engine(transport);
        try {
            Path content = Loopback.content(dir.resolve("src"), "file.bin", 7, 4 << 20);
            CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 1 << 16);
            TorrentSession seeding = seeder.add(t.metainfo(), dir.resolve("src"), dir.resolve("seed-state"),
                    TorrentOptions.defaults());
            byte[] first = seeder.servicePeerId("service-0".getBytes(StandardCharsets.US_ASCII));
            byte[] second = seeder.servicePeerId("service-1".getBytes(StandardCharsets.US_ASCII));
            TransportAddress a = listen(transport, seeder.peerAcceptor("direct", first));
            TransportAddress b = listen(transport, seeder.peerAcceptor("direct", second));

            TorrentSession leeching = leecher.add(t.metainfo(), dir.resolve("dst"), dir.resolve("leech-state"),
                    TorrentOptions.defaults());
            leeching.connect(a).toCompletableFuture().get(10, TimeUnit.SECONDS);
            leeching.connect(b).toCompletableFuture().get(10, TimeUnit.SECONDS);

            Set<String> seen = await("the downloader to hold two peers and the seeder both of its connections",
                    () -> seeding.stats().peers().size() == 2 ? peerIds(leeching) : Set.<String>of(),
                    s -> s.size() == 2);
            assertEquals(Set.of(hex(first), hex(second)), seen, "one peer per service peer id");
            leeching.completion().get(60, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(content), Files.readAllBytes(dir.resolve("dst/file.bin")));
        } finally {
            leecher.close();
            seeder.close();
            transport.close();
        }
    }

    @Test
    void withTheEnginesOwnPeerIdOnBothListenersTheSecondConnectionIsADuplicate() throws Exception {
        DirectTransportEngine transport = Loopback.transport();
        SwarmEngine seeder = limitedSeeder(transport);
        SwarmEngine leecher = Loopback.engine(transport);
        try {
            Path content = Loopback.content(dir.resolve("src"), "file.bin", 8, 8 << 20);
            CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 1 << 16);
            seeder.add(t.metainfo(), dir.resolve("src"), dir.resolve("seed-state"), TorrentOptions.defaults());
            byte[] own = seeder.config().peerId();
            TransportAddress a = listen(transport, seeder.peerAcceptor("direct", own));
            TransportAddress b = listen(transport, seeder.peerAcceptor("direct", own));
            TorrentSession leeching = leecher.add(t.metainfo(), dir.resolve("dst"), dir.resolve("leech-state"),
                    TorrentOptions.defaults());
            leeching.connect(a).toCompletableFuture().get(10, TimeUnit.SECONDS);
            await("the first connection", () -> leeching.stats().peers().size(), n -> n == 1);
            java.util.concurrent.ExecutionException refused = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> leeching.connect(b).toCompletableFuture().get(10, TimeUnit.SECONDS),
                    "the second connection to the same peer id is closed as a duplicate");
            assertTrue(String.valueOf(refused.getCause().getMessage()).contains("closed"), refused.toString());
            // 8 MiB at 512 KiB/s: still downloading, over the first connection only.
            assertEquals(TorrentState.DOWNLOADING, leeching.stats().state());
            assertEquals(1, leeching.stats().peers().size(), "one peer id, one connection kept");
        } finally {
            leecher.close();
            seeder.close();
            transport.close();
        }
    }

    @Test
    void servicePeerIdsKeepTheClientPrefixAndDifferPerService() {
        SwarmEngine engine = new SwarmEngine(EngineConfig.defaults());
        try {
            byte[] own = engine.config().peerId();
            byte[] a = engine.servicePeerId(new byte[] {1});
            byte[] b = engine.servicePeerId(new byte[] {2});
            assertEquals(20, a.length);
            assertArrayEquals(Arrays.copyOf(own, 8), Arrays.copyOf(a, 8), "client prefix kept");
            assertFalse(Arrays.equals(a, b));
            assertFalse(Arrays.equals(a, own));
            assertArrayEquals(a, engine.servicePeerId(new byte[] {1}), "stable");
            assertNotEquals(hex(a), hex(new SwarmEngine(EngineConfig.defaults()).servicePeerId(new byte[] {1})),
                    "another engine (another run) has other ids");
            assertThrows(IllegalArgumentException.class, () -> engine.peerAcceptor("direct", new byte[19]));
        } finally {
            engine.close();
        }
    }

    private static SwarmEngine limitedSeeder(DirectTransportEngine transport) {
        SwarmEngine engine = new SwarmEngine(EngineConfig.defaults().withUploadLimit(
                Loopback.limit(UPLOAD_BYTES_PER_SECOND)));
        engine.addTransport(transport);
        return engine;
    }

    private static TransportAddress listen(DirectTransportEngine transport,
            io.netty.channel.ChannelInitializer<io.netty.channel.Channel> acceptor) {
        Listener listener = transport.listen(null, 0, acceptor).toCompletableFuture().join();
        return listener.address();
    }

    private static Set<String> peerIds(TorrentSession session) {
        return session.stats().peers().stream().map(PeerStats::peerId).collect(Collectors.toSet());
    }

    private static String hex(byte[] id) {
        return HexFormat.of().formatHex(id);
    }

    private static <T> T await(String what, Supplier<T> value, java.util.function.Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        T seen = value.get();
        while (!done.test(seen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; last seen: " + seen);
            }
            Thread.sleep(20);
            seen = value.get();
        }
        return seen;
    }
}
