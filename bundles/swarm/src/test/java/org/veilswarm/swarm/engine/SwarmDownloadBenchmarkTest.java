package org.veilswarm.swarm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.transport.direct.impl.DirectTransportEngine;

/**
 * {@code mvn -B -o -pl bundles/swarm -Pbench verify} (docs/performance.md, "Swarm downloads"): one 256 MiB
 * file, one v2 torrent made by our creator (256 KiB pieces), downloaded on 127.0.0.1 by
 * <ol>
 * <li>libtorrent from a libtorrent seeder (the reference),</li>
 * <li>our engine from a libtorrent seeder,</li>
 * <li>our engine from our seeder (both engines in this JVM, each with its own direct transport),</li>
 * <li>libtorrent from our seeder,</li>
 * </ol>
 * after one uncounted warm-up round, rounds interleaved so machine noise hits all alike; the median and best of
 * each are reported as MiB/s and as a ratio to the reference. Downloads go to a fresh directory each time (page
 * cache warm for the seed). Time runs from connecting (ours) or adding the torrent (libtorrent) to having every
 * piece verified.
 */
@Tag("bench")
class SwarmDownloadBenchmarkTest {

    private static final long SIZE = Long.getLong("bench.swarm.mib", 256) << 20;
    private static final int ROUNDS = Integer.getInteger("bench.swarm.rounds", 3);
    private static final int PIECE = 256 * 1024;

    @BeforeAll
    static void libtorrentIsInstalled() throws Exception {
        Libtorrent.requireAvailable();
    }

    @Test
    void swarmDownloads() throws Exception {
        Path root = Path.of(System.getProperty("bench.swarm.dir", "target/bench/swarm")).toAbsolutePath();
        deleteTree(root);
        Path seedDir = Files.createDirectories(root.resolve("seed"));
        Path content = Loopback.content(seedDir, "bench.bin", 256, SIZE);
        CreatedTorrent t = Loopback.torrent(content, TorrentMode.V2_ONLY, PIECE);
        Path torrentFile = Files.write(root.resolve("bench.torrent"), t.bytes());

        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        String ltToLt = "libtorrent <- libtorrent seeder";
        String oursFromLt = "Veilswarm <- libtorrent seeder";
        String oursFromOurs = "Veilswarm <- Veilswarm seeder";
        String ltFromOurs = "libtorrent <- Veilswarm seeder";
        for (String k : List.of(ltToLt, oursFromLt, oursFromOurs, ltFromOurs)) {
            seconds.put(k, new ArrayList<>());
        }
        String version;
        DirectTransportEngine seedTransport = Loopback.transport();
        DirectTransportEngine leechTransport = Loopback.transport();
        SwarmEngine ourSeeder = Loopback.engine(seedTransport);
        try (Libtorrent ltSeeder = Libtorrent.seed(torrentFile, seedDir)) {
            version = ltSeeder.version;
            ourSeeder.add(t.metainfo(), seedDir, root.resolve("seed-state"), TorrentOptions.defaults());
            TransportAddress ours = Loopback.listen(ourSeeder, seedTransport);
            TransportAddress lt = new TransportAddress("127.0.0.1", ltSeeder.port);
            // One uncounted round first: a node runs for hours, so what counts is the JIT-compiled engine, not
            // class loading and interpretation during its first download (libtorrent is native code).
            libtorrentDownload(root, torrentFile, lt.port(), t.metainfo().info().pieceCount());
            ourDownload(root, t, leechTransport, lt);
            ourDownload(root, t, leechTransport, ours);
            for (int round = 0; round < ROUNDS; round++) {
                seconds.get(ltToLt).add(libtorrentDownload(root, torrentFile, lt.port(), t.metainfo().info().pieceCount()));
                seconds.get(oursFromLt).add(ourDownload(root, t, leechTransport, lt));
                seconds.get(oursFromOurs).add(ourDownload(root, t, leechTransport, ours));
                seconds.get(ltFromOurs).add(libtorrentDownload(root, torrentFile, ours.port(), t.metainfo().info().pieceCount()));
                System.out.println("round " + round + ": " + seconds);
            }
        } finally {
            ourSeeder.close();
            seedTransport.close();
            leechTransport.close();
        }
        report(root, version, seconds, ltToLt);
        deleteTree(root.resolve("seed"));
    }

    private static double libtorrentDownload(Path root, Path torrentFile, int port, int pieces) throws Exception {
        Path target = fresh(root.resolve("lt-dl"));
        Map<String, String> r = Libtorrent.download(torrentFile.toString(), target, port, 300, false);
        assertEquals("1", r.get("seeding"), r.toString());
        // "seeding" is libtorrent's own verdict; its num_pieces may lag it by a status update
        deleteTree(target);
        return Double.parseDouble(r.get("seconds"));
    }

    private static double ourDownload(Path root, CreatedTorrent t, DirectTransportEngine transport, TransportAddress from)
            throws Exception {
        Path target = fresh(root.resolve("our-dl"));
        SwarmEngine engine = Loopback.engine(transport);
        try {
            TorrentOptions options = TorrentOptions.defaults()
                    .withRequestQueueDepth(Integer.getInteger("bench.swarm.depth", TorrentOptions.defaults().requestQueueDepth()));
            if (Boolean.getBoolean("bench.swarm.diag.nosync")) {
                org.veilswarm.swarm.storage.FileAccess plain = org.veilswarm.swarm.storage.FileAccess.noFollow();
                options = options.withStorage(options.storage().withCheckpointEveryPieces(1 << 20).withFileAccess(path -> {
                    org.veilswarm.swarm.storage.StorageFile f = plain.open(path);
                    return new org.veilswarm.swarm.storage.StorageFile() {
                        public int read(java.nio.ByteBuffer d, long p) throws IOException { return f.read(d, p); }
                        public int write(java.nio.ByteBuffer d, long p) throws IOException { return f.write(d, p); }
                        public long size() throws IOException { return f.size(); }
                        public void force() { }
                        public void close() throws IOException { f.close(); }
                    };
                }));
            }
            TorrentSession s = engine.add(t.metainfo(), target, target.resolve(".state"), options);
            long start = System.nanoTime();
            s.connect(from).toCompletableFuture().get(30, TimeUnit.SECONDS);
            s.completion().get(300, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - start) / 1e9;
            assertEquals(0, s.stats().hashFailures());
            return elapsed;
        } finally {
            engine.close();
            deleteTree(target);
        }
    }

    private static void report(Path root, String version, Map<String, List<Double>> seconds, String reference)
            throws IOException {
        double mib = SIZE / (double) (1 << 20);
        double refMedian = mib / median(seconds.get(reference));
        double refBest = mib / best(seconds.get(reference));
        StringBuilder table = new StringBuilder();
        table.append(String.format("%d MiB, v2, %d KiB pieces, %d rounds, libtorrent %s, load average %s%n%n",
                SIZE >> 20, PIECE >> 10, ROUNDS, version, loadAverage()));
        table.append("| download | median MiB/s | best MiB/s | median vs libtorrent→libtorrent | best vs libtorrent→libtorrent |\n");
        table.append("|---|---:|---:|---:|---:|\n");
        seconds.forEach((what, list) -> {
            double median = mib / median(list);
            double best = mib / best(list);
            table.append(String.format("| %s | %.0f | %.0f | %.2f× | %.2f× |%n", what, median, best, median / refMedian,
                    best / refBest));
        });
        System.out.println(table);
        Files.writeString(root.resolve("swarm.md"), table.toString());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double best(List<Double> values) {
        return values.stream().min(Double::compare).orElseThrow();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static Path fresh(Path dir) throws IOException {
        deleteTree(dir);
        return Files.createDirectories(dir);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
