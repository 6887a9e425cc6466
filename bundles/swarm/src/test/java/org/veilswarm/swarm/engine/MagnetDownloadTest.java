package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoParser;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * Downloads that start from the v2 info-hash alone (what a magnet link carries): BEP 9 for the info
 * dictionary, BEP 52 hash requests for the piece layers, then the pieces.
 */
class MagnetDownloadTest {

    @TempDir
    Path dir;

    private final DirectTransportEngine transport = Loopback.transport();
    private final List<SwarmEngine> engines = new java.util.ArrayList<>();

    @BeforeAll
    static void libtorrentIsInstalled() throws Exception {
        Libtorrent.requireAvailable();
    }

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

    /** 640 pieces of 16 KiB in one file and a second file: two hash requests of 512 for the big layer. */
    @Test
    void fromOurSeederKnowingOnlyTheInfoHash() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "share", 41, 640 * 16_384 - 1000, 100_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine seeder = engine();
        seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(seeder, transport);

        TorrentSession session = engine().addFromInfoHash(t.metainfo().infoHashes().v2(), List.of(address),
                dir.resolve("dl"), dir.resolve("state"), TorrentOptions.defaults(), Duration.ofSeconds(20))
                .get(30, TimeUnit.SECONDS);
        assertEquals(t.metainfo().info().infoHashes(), session.metainfo().infoHashes());
        assertEquals(t.metainfo().pieceLayers().asMap().keySet(), session.metainfo().pieceLayers().asMap().keySet());
        session.completion().get(30, TimeUnit.SECONDS);
        Loopback.assertSameTree(content, dir.resolve("dl").resolve("share"));
    }

    @Test
    void fromALibtorrentSeederKnowingOnlyTheInfoHash() throws Exception {
        Path data = Loopback.content(dir.resolve("lt"), "data.bin", 42, 1_500_000);
        Path torrentFile = dir.resolve("lt.torrent");
        try (Libtorrent seeder = Libtorrent.createAndSeed(data, 32_768, true, torrentFile)) {
            Metainfo reference = MetainfoParser.strict().parse(Files.readAllBytes(torrentFile));
            TorrentSession session = engine().addFromInfoHash(reference.infoHashes().v2(),
                    List.of(new TransportAddress("127.0.0.1", seeder.port)), dir.resolve("dl"), dir.resolve("state"),
                    TorrentOptions.defaults(), Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
            assertTrue(session.metainfo().info().isHybrid(), "the hybrid info dictionary came over BEP 9");
            session.completion().get(60, TimeUnit.SECONDS);
            assertEquals(0, session.stats().hashFailures());
            Loopback.assertSameTree(data, dir.resolve("dl").resolve("data.bin"));
        }
    }

    @Test
    void noPeerWithTheTorrentIsATimeoutNotAHang() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "other.bin", 43, 50_000);
        CreatedTorrent other = Loopback.torrent(content, TorrentMode.V2_ONLY, 16_384);
        SwarmEngine seeder = engine();
        seeder.add(other.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(seeder, transport);
        HashValue unknown = HashValue.of(new byte[32]);
        ExecutionException e = assertThrows(ExecutionException.class, () -> engine().addFromInfoHash(unknown,
                List.of(address), dir.resolve("dl"), dir.resolve("state"), TorrentOptions.defaults(),
                Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
    }
}
