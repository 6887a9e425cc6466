package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.swarm.storage.FileAccess;
import org.veilswarm.swarm.storage.StorageFile;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/** Our engine seeding to our engine over the direct transport on 127.0.0.1. */
class SwarmEngineTest {

    @TempDir
    Path dir;

    private final DirectTransportEngine transport = Loopback.transport();
    private final List<SwarmEngine> engines = new java.util.ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(SwarmEngine::close);
        transport.close();
    }

    private SwarmEngine engine() {
        SwarmEngine e = Loopback.engine(transport);
        engines.add(e);
        return e;
    }

    @Test
    void aLeecherDownloadsAMultiFileV2TorrentAndBothEndsAgree() throws Exception {
        // sizes with short tails, one file below a piece, one exactly two pieces
        Path content = Loopback.content(dir.resolve("seed"), "share", 1, 700_000, 20_000, 2 * 65_536, 1);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 65_536);
        SwarmEngine seeder = engine();
        TorrentSession seeding = seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        assertEquals(TorrentState.SEEDING, seeding.state());
        TransportAddress address = Loopback.listen(seeder, transport);

        SwarmEngine leecher = engine();
        TorrentSession leeching = leecher.add(t.metainfo(), dir.resolve("dl"), dir.resolve("dl-state"), TorrentOptions.defaults());
        assertEquals(TorrentState.DOWNLOADING, leeching.state());
        leeching.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
        leeching.completion().get(30, TimeUnit.SECONDS);

        TorrentStats stats = leeching.stats();
        assertEquals(TorrentState.SEEDING, stats.state());
        assertEquals(1.0, stats.progress());
        assertEquals(t.metainfo().info().pieceCount(), stats.verifiedPieces());
        assertTrue(stats.downloaded() >= t.metainfo().info().totalLength(), "downloaded " + stats.downloaded());
        assertEquals(0, stats.hashFailures());
        Loopback.awaitUploaded(seeding, t.metainfo().info().totalLength());
        Loopback.assertSameTree(content, dir.resolve("dl").resolve("share"));
    }

    @Test
    void aHybridTorrentOpenedWithItsV1HashIsUpgradedToV2() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "one.bin", 2, 300_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.HYBRID, 32_768);
        SwarmEngine seeder = engine();
        seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(seeder, transport);

        SwarmEngine leecher = engine();
        TorrentSession leeching = leecher.add(t.metainfo(), dir.resolve("dl"), dir.resolve("dl-state"),
                TorrentOptions.defaults().withHybridUseV1Hash(true));
        leeching.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(leeching.stats().peers().get(0).v2(), "the responder answered the v1 hash with the v2 hash");
        leeching.completion().get(30, TimeUnit.SECONDS);
        Loopback.assertSameTree(content, dir.resolve("dl").resolve("one.bin"));
    }

    /** One torrent, two transports: the leecher downloads from a peer on each at the same time. */
    @Test
    void aTorrentUsesPeersOnTwoTransportsAtOnce() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "big.bin", 3, 3 << 20);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 65_536);
        DirectTransportEngine second = Loopback.transport();
        try {
            Transport other = new RenamedTransport("other", second);
            SwarmEngine a = engine();
            a.add(t.metainfo(), dir.resolve("seed"), dir.resolve("a-state"), slowSeeding());
            TransportAddress onDirect = Loopback.listen(a, transport);
            SwarmEngine b = engine();
            b.add(t.metainfo(), dir.resolve("seed"), dir.resolve("b-state"), slowSeeding());
            TransportAddress onOther = b.listen(other, null, 0).toCompletableFuture().join().address();

            SwarmEngine leecher = engine();
            leecher.addTransport(other);
            TorrentSession leeching = leecher.add(t.metainfo(), dir.resolve("dl"), dir.resolve("dl-state"), TorrentOptions.defaults());
            leeching.connect(transport, onDirect).toCompletableFuture().get(10, TimeUnit.SECONDS);
            leeching.connect(other, onOther).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Set<String> schemes = leeching.stats().peers().stream().map(PeerStats::transportScheme).collect(Collectors.toSet());
            assertEquals(Set.of("direct", "other"), schemes);
            java.util.Map<String, Long> fromScheme = new java.util.HashMap<>();
            while (!leeching.completion().isDone()) {
                for (PeerStats p : leeching.stats().peers()) {
                    fromScheme.merge(p.transportScheme(), p.downloaded(), Math::max);
                }
                Thread.sleep(50);
            }
            leeching.completion().get();
            assertTrue(fromScheme.getOrDefault("direct", 0L) > 0 && fromScheme.getOrDefault("other", 0L) > 0,
                    "bytes per transport: " + fromScheme);
            Loopback.assertSameTree(content, dir.resolve("dl").resolve("big.bin"));
        } finally {
            engines.forEach(SwarmEngine::close);
            engines.clear();
            second.close();
        }
    }

    /** A full disk fails that torrent alone, with the reason; the engine and its other torrents go on. */
    @Test
    void aFullDiskStopsTheTorrentWithItsReasonAndNothingElse() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "a.bin", 4, 1 << 20);
        Path content2 = Loopback.content(dir.resolve("seed"), "b.bin", 5, 200_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 32_768);
        CreatedTorrent t2 = Loopback.torrent(content2, TorrentMode.V2_ONLY, 32_768);
        SwarmEngine seeder = engine();
        seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        seeder.add(t2.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(seeder, transport);

        AtomicInteger writes = new AtomicInteger();
        FileAccess fillsUp = path -> new FailingAfter(FileAccess.noFollow().open(path), writes, 8);
        SwarmEngine leecher = engine();
        TorrentSession failing = leecher.add(t.metainfo(), dir.resolve("dl"), dir.resolve("dl-state"),
                TorrentOptions.defaults().withStorage(TorrentOptions.defaults().storage().withFileAccess(fillsUp)));
        TorrentSession healthy = leecher.add(t2.metainfo(), dir.resolve("dl"), dir.resolve("dl-state"), TorrentOptions.defaults());
        failing.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
        healthy.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);

        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.completion().get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("No space left on device"), e.getCause().getMessage());
        assertEquals(TorrentState.FAILED, failing.state());
        assertTrue(failing.failureReason().orElseThrow().contains("No space left on device"));
        TorrentStats stats = failing.stats();
        assertEquals(TorrentState.FAILED, stats.state());
        assertTrue(stats.verifiedPieces() < t.metainfo().info().pieceCount());

        healthy.completion().get(30, TimeUnit.SECONDS);
        Loopback.assertSameTree(content2, dir.resolve("dl").resolve("b.bin"));
        assertEquals(2, seeder.torrents().size());
        assertFalse(seeder.torrents().stream().anyMatch(s -> s.state() != TorrentState.SEEDING));
    }

    /** Permission denied half-way (e.g. the directory was made read-only): the torrent fails, says why, and stays failed. */
    @Test
    void aPermissionErrorStopsTheTorrentWithItsReason() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "p.bin", 9, 600_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 32_768);
        SwarmEngine seeder = engine();
        seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(seeder, transport);
        AtomicInteger writes = new AtomicInteger();
        FileAccess denied = path -> new FailingAfter(FileAccess.noFollow().open(path), writes, 4,
                () -> new java.nio.file.AccessDeniedException(path.toString()));
        SwarmEngine leecher = engine();
        TorrentSession failing = leecher.add(t.metainfo(), dir.resolve("dl"), dir.resolve("dl-state"),
                TorrentOptions.defaults().withStorage(TorrentOptions.defaults().storage().withFileAccess(denied)));
        failing.connect(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.completion().get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("permission denied"), e.getCause().getMessage());
        assertEquals(TorrentState.FAILED, failing.stats().state());
        assertTrue(failing.stats().peers().isEmpty(), "a failed torrent keeps no connections");
        // the engine still takes new torrents
        Path other = Loopback.content(dir.resolve("seed"), "q.bin", 10, 10_000);
        CreatedTorrent t2 = Loopback.torrent(other, TorrentMode.V2_ONLY, 16_384);
        assertEquals(TorrentState.SEEDING,
                leecher.add(t2.metainfo(), dir.resolve("seed"), dir.resolve("dl-state"), TorrentOptions.defaults()).state());
    }

    @Test
    void addingTheSameTorrentTwiceIsRefused() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "a.bin", 6, 50_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine e = engine();
        e.add(t.metainfo(), dir.resolve("seed"), dir.resolve("state"), TorrentOptions.defaults());
        IllegalStateException x = assertThrows(IllegalStateException.class,
                () -> e.add(t.metainfo(), dir.resolve("seed"), dir.resolve("state"), TorrentOptions.defaults()));
        assertTrue(x.getMessage().contains("already running"), x.getMessage());
    }

    @Test
    void aPeerNoTransportReachesIsAClearError() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "a.bin", 7, 50_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine e = new SwarmEngine(EngineConfig.defaults());
        engines.add(e);
        TorrentSession s = e.add(t.metainfo(), dir.resolve("dl"), dir.resolve("state"), TorrentOptions.defaults());
        CompletionException x = assertThrows(CompletionException.class,
                () -> s.connect(new TransportAddress("127.0.0.1", 9)).toCompletableFuture().join());
        assertTrue(x.getCause().getMessage().contains("no transport"), x.getCause().getMessage());
    }

    @Test
    void aConnectionWithoutAHandshakeIsClosedAfterTheHandshakeTimeout() throws Exception {
        SwarmEngine e = new SwarmEngine(EngineConfig.defaults().withTimeouts(java.time.Duration.ofMillis(300),
                java.time.Duration.ofMinutes(3)));
        engines.add(e);
        TransportAddress address = Loopback.listen(e, transport);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", address.port())) {
            socket.setSoTimeout(10_000);
            assertEquals(-1, socket.getInputStream().read(), "closed by the engine, nothing sent");
        }
    }

    /** A peer that handshakes and then sends nothing, not even keep-alives, is dropped after the idle timeout. */
    @Test
    void aPeerThatFallsSilentIsDropped() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "idle.bin", 8, 40_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine e = new SwarmEngine(EngineConfig.defaults().withTimeouts(java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(1)));
        engines.add(e);
        TorrentSession seeding = e.add(t.metainfo(), dir.resolve("seed"), dir.resolve("state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(e, transport);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", address.port())) {
            socket.setSoTimeout(15_000);
            java.io.ByteArrayOutputStream hs = new java.io.ByteArrayOutputStream();
            hs.write(19);
            hs.write("BitTorrent protocol".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            hs.write(new byte[8]);
            hs.write(t.metainfo().infoHashes().v2Truncated().bytes());
            hs.write("-XX0000-silentpeer01".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(hs.toByteArray());
            byte[] reply = socket.getInputStream().readNBytes(68);
            assertEquals(68, reply.length, "the engine answered the handshake");
            // The engine sends its bitfield only once it attached the peer to the torrent (BEP 3). Polling the
            // stats for the peer instead would race the 1 s idle timeout on a busy machine.
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            int length;
            do {
                length = in.readInt();
            } while (length == 0); // keep-alives
            assertEquals(5, in.readUnsignedByte(), "the engine attached the silent peer and sent its bitfield first");
            // read whatever else the engine sends until it closes the connection
            while (in.read() >= 0) {
                // drain
            }
            assertTrue(seeding.stats().peers().isEmpty() || waitNoPeers(seeding), "the silent peer was dropped");
        }
    }

    private static boolean waitNoPeers(TorrentSession s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!s.stats().peers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return s.stats().peers().isEmpty();
    }

    /** Seeders limited to 1 MiB/s each, so a download needs both to finish in reasonable time. */
    private static TorrentOptions slowSeeding() {
        return TorrentOptions.defaults().withUploadLimit(Loopback.limit(1 << 20));
    }

    /** Writes work {@code allowed} times, then every write fails like a full disk. */
    private static final class FailingAfter implements StorageFile {
        private final StorageFile inner;
        private final AtomicInteger writes;
        private final int allowed;
        private final java.util.function.Supplier<IOException> failure;

        FailingAfter(StorageFile inner, AtomicInteger writes, int allowed) {
            this(inner, writes, allowed, () -> new IOException("No space left on device"));
        }

        FailingAfter(StorageFile inner, AtomicInteger writes, int allowed, java.util.function.Supplier<IOException> failure) {
            this.inner = inner;
            this.writes = writes;
            this.allowed = allowed;
            this.failure = failure;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return inner.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (writes.incrementAndGet() > allowed) {
                throw failure.get();
            }
            return inner.write(src, position);
        }

        @Override
        public long size() throws IOException {
            return inner.size();
        }

        @Override
        public void force() throws IOException {
            inner.force();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }
}
