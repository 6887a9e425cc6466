package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * One seeder and four leechers, five engines on the direct transport over 127.0.0.1. The seeder's upload
 * is limited to 1 MiB/s, so the 16 MiB the leechers need cannot all come from it: leechers must trade
 * pieces among themselves (rarest-first, have, interest, unchoking of other leechers).
 */
class SwarmOfFiveTest {

    private static final long SIZE = 4 << 20;
    private static final long SEEDER_LIMIT = 1 << 20; // 1 MiB/s

    @TempDir
    Path dir;

    @Test
    void leechersTradePiecesAmongThemselves() throws Exception {
        Path content = Loopback.content(dir.resolve("seed"), "swarm.bin", 11, SIZE);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, 64 * 1024);
        DirectTransportEngine transport = Loopback.transport();
        List<SwarmEngine> engines = new ArrayList<>();
        try {
            // the limit is the engine-wide (global) one: the choker package's token bucket through the hook
            SwarmEngine seeder = new SwarmEngine(EngineConfig.defaults().withUploadLimit(Loopback.limit(SEEDER_LIMIT)));
            seeder.addTransport(transport);
            engines.add(seeder);
            TorrentSession seeding = seeder.add(t.metainfo(), dir.resolve("seed"), dir.resolve("seed-state"),
                    TorrentOptions.defaults());
            TransportAddress seederAddress = Loopback.listen(seeder, transport);
            String seederId = java.util.HexFormat.of().formatHex(seeder.config().peerId());

            List<TorrentSession> leechers = new ArrayList<>();
            List<TransportAddress> addresses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                SwarmEngine e = Loopback.engine(transport);
                engines.add(e);
                leechers.add(e.add(t.metainfo(), dir.resolve("dl" + i), dir.resolve("state" + i), TorrentOptions.defaults()));
                addresses.add(Loopback.listen(e, transport));
            }
            List<CompletableFuture<Void>> connected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                connected.add(leechers.get(i).connect(seederAddress).toCompletableFuture());
                for (int j = 0; j < 4; j++) {
                    if (j != i) { // both directions: the engine keeps one connection per pair
                        connected.add(leechers.get(i).connect(addresses.get(j)).toCompletableFuture()
                                .exceptionally(x -> null));
                    }
                }
            }
            connected.get(0).get(10, TimeUnit.SECONDS);

            // per leecher, per connection: the most it had received (connections close once both ends seed)
            List<Map<Long, Long>> fromLeechers = new ArrayList<>();
            List<Map<Long, Long>> fromSeeder = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fromLeechers.add(new HashMap<>());
                fromSeeder.add(new HashMap<>());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (leechers.stream().anyMatch(l -> !l.completion().isDone()) && System.nanoTime() < deadline) {
                for (int i = 0; i < 4; i++) {
                    for (PeerStats p : leechers.get(i).stats().peers()) {
                        (p.peerId().equals(seederId) ? fromSeeder : fromLeechers).get(i)
                                .merge(p.connectionId(), p.downloaded(), Math::max);
                    }
                }
                Thread.sleep(100);
            }
            for (TorrentSession l : leechers) {
                l.completion().get(1, TimeUnit.SECONDS);
            }
            long seederUploaded = seeding.stats().uploaded();
            long leechersDownloaded = leechers.stream().mapToLong(l -> l.stats().downloaded()).sum();
            for (int i = 0; i < 4; i++) {
                long other = fromLeechers.get(i).values().stream().mapToLong(Long::longValue).sum();
                long seed = fromSeeder.get(i).values().stream().mapToLong(Long::longValue).sum();
                System.out.printf("leecher %d: %,d bytes from the seeder, %,d from other leechers%n", i, seed, other);
                assertTrue(other > 0, "leecher " + i + " got nothing from other leechers");
                Loopback.assertSameTree(content, dir.resolve("dl" + i).resolve("swarm.bin"));
                assertEquals(0, leechers.get(i).stats().hashFailures());
            }
            System.out.printf("seeder uploaded %,d bytes; leechers downloaded %,d%n", seederUploaded, leechersDownloaded);
            assertTrue(leechersDownloaded >= 4 * SIZE);
            // at least one whole copy went from leecher to leecher (seen ~2.8 copies; the sampling every
            // 100 ms misses at most the last moments of a connection)
            long traded = fromLeechers.stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
            assertTrue(traded >= SIZE, "bytes traded among leechers: " + traded);
        } finally {
            engines.forEach(SwarmEngine::close);
            transport.close();
        }
    }
}
