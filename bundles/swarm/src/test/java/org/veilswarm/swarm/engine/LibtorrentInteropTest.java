package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoParser;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * The engine against libtorrent 2.0.8 (python3-libtorrent) over the direct transport on 127.0.0.1, both
 * ways: libtorrent seeds torrents it made (v2 and hybrid) and we download and verify; we seed torrents we
 * made and libtorrent downloads them, and its own {@code force_recheck} passes.
 */
class LibtorrentInteropTest {

    @TempDir
    Path dir;

    private final DirectTransportEngine transport = Loopback.transport();
    private SwarmEngine engine;

    @BeforeAll
    static void libtorrentIsInstalled() throws Exception {
        Libtorrent.requireAvailable();
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        transport.close();
    }

    @Test
    void weDownloadAV2TorrentLibtorrentMadeAndSeeds() throws Exception {
        weDownloadFromLibtorrent(false, false);
    }

    /** We open with the v1 hash and the upgrade bit; libtorrent answers with the truncated v2 hash (BEP 52). */
    @Test
    void weDownloadAHybridTorrentAndAcceptLibtorrentsUpgradeToV2() throws Exception {
        weDownloadFromLibtorrent(true, true);
    }

    @Test
    void weDownloadAHybridTorrentOverAV2Handshake() throws Exception {
        weDownloadFromLibtorrent(true, false);
    }

    private void weDownloadFromLibtorrent(boolean hybrid, boolean openWithV1Hash) throws Exception {
        Path data = Loopback.content(dir.resolve("lt"), "data.bin", 21, 2_500_000);
        Path torrentFile = dir.resolve("lt.torrent");
        try (Libtorrent seeder = Libtorrent.createAndSeed(data, 65_536, hybrid, torrentFile)) {
            Metainfo metainfo = MetainfoParser.strict().parse(Files.readAllBytes(torrentFile));
            assertEquals(hybrid, metainfo.info().isHybrid());
            engine = Loopback.engine(transport);
            TorrentSession session = engine.add(metainfo, dir.resolve("dl"), dir.resolve("state"),
                    TorrentOptions.defaults().withHybridUseV1Hash(openWithV1Hash));
            session.connect(new TransportAddress("127.0.0.1", seeder.port)).toCompletableFuture().get(20, TimeUnit.SECONDS);
            PeerStats peer = session.stats().peers().get(0);
            assertTrue(peer.v2(), "the connection speaks v2");
            session.completion().get(60, TimeUnit.SECONDS);
            TorrentStats stats = session.stats();
            assertEquals(TorrentState.SEEDING, stats.state());
            assertEquals(0, stats.hashFailures());
            Loopback.assertSameTree(data, dir.resolve("dl").resolve("data.bin"));
        }
    }

    /** libtorrent given only a v2 magnet link: metadata (BEP 9) and piece layers (BEP 52) come from our engine. */
    @Test
    void libtorrentDownloadsFromUsKnowingOnlyAMagnetLink() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "magnet.bin", 24, 1_200_000);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 32_768);
        engine = Loopback.engine(transport);
        engine.add(t.metainfo(), dir.resolve("seed"), dir.resolve("state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(engine, transport);
        String magnet = "magnet:?xt=urn:btmh:1220" + t.metainfo().infoHashes().v2().hex() + "&dn=magnet.bin";
        Path downloads = Files.createDirectories(dir.resolve("lt-dl"));
        Map<String, String> result = Libtorrent.download(magnet, downloads, address.port(), 60, true);
        System.out.println("magnet: libtorrent " + result);
        assertEquals("1", result.get("seeding"), result.toString());
        assertEquals("0", result.get("hash_failures"), result.toString());
        assertEquals(result.get("total_pieces"), result.get("recheck_pieces"), result.toString());
        Loopback.assertSameTree(content, downloads.resolve("magnet.bin"));
    }

    enum Made {
        V2_ONE_FILE, V2_FOLDER, HYBRID_ONE_FILE
    }

    @ParameterizedTest
    @EnumSource(Made.class)
    void libtorrentDownloadsWhatWeSeedAndItsRecheckPasses(Made made) throws Exception {
        Path content = made == Made.V2_FOLDER
                ? Loopback.content(dir.resolve("seed"), "share", 22, 1_000_000, 70_000, 16_384, 5)
                : Loopback.content(dir.resolve("seed"), "share.bin", 23, 2_000_000);
        CreatedTorrent t = Loopback.torrent(content, made == Made.HYBRID_ONE_FILE ? TorrentMode.HYBRID : TorrentMode.V2_ONLY,
                65_536);
        Path torrentFile = Files.write(dir.resolve("ours.torrent"), t.bytes());
        engine = Loopback.engine(transport);
        TorrentSession seeding = engine.add(t.metainfo(), dir.resolve("seed"), dir.resolve("state"), TorrentOptions.defaults());
        TransportAddress address = Loopback.listen(engine, transport);

        Path downloads = Files.createDirectories(dir.resolve("lt-dl"));
        Map<String, String> result = Libtorrent.download(torrentFile, downloads, address.port(), 60);
        System.out.println(made + ": libtorrent " + result);
        assertEquals("1", result.get("seeding"), "libtorrent finished: " + result);
        assertEquals("0", result.get("hash_failures"), result.toString());
        assertEquals("1", result.get("recheck_done"), result.toString());
        assertEquals(result.get("total_pieces"), result.get("recheck_pieces"), "libtorrent's recheck: " + result);
        Loopback.awaitUploaded(seeding, t.metainfo().info().totalLength());
        Loopback.assertSameTree(content, downloads.resolve(content.getFileName().toString()));
    }
}
