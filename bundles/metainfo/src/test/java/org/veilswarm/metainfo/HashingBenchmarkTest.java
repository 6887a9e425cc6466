package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing throughput of torrent creation against {@code sha256sum} on the same 256 MiB file, measured
 * in the same run (ratios, not absolute times, are what compare across machines). Not part of the
 * default suite: {@code mvn -B -pl bundles/metainfo -Pbench verify}. Prints a Markdown table for
 * docs/performance.md and writes it to {@code target/bench/hashing.md}.
 */
@Tag("bench")
class HashingBenchmarkTest {

    private static final int SIZE = 256 << 20;
    private static final int RUNS = 3;

    @TempDir
    Path dir;

    @Test
    void metainfoHashingAgainstSha256sum() throws Exception {
        Path file = dir.resolve("bench.bin");
        writeRandom(file);
        int cores = Runtime.getRuntime().availableProcessors();

        // Warm up the JIT on the same code path.
        TorrentCreator.forPath(file).pieceLength(1 << 18).threads(1).create();

        double sha256sum = best(() -> run("sha256sum", file.toString()));
        boolean openssl = Files.isExecutable(Path.of("/usr/bin/openssl"));
        double opensslSha256 = openssl ? best(() -> run("/usr/bin/openssl", "dgst", "-sha256", file.toString())) : 0;
        double v2One = best(() -> TorrentCreator.forPath(file).threads(1).create());
        double v2All = best(() -> TorrentCreator.forPath(file).threads(cores).create());
        double hybridOne = best(() -> TorrentCreator.forPath(file).mode(TorrentMode.HYBRID).threads(1).create());
        double hybridAll = best(() -> TorrentCreator.forPath(file).mode(TorrentMode.HYBRID).threads(cores).create());

        StringBuilder md = new StringBuilder();
        md.append("| what (256 MiB file in page cache, best of ").append(RUNS).append(") | MiB/s | vs sha256sum |\n");
        md.append("|---|---:|---:|\n");
        row(md, "`sha256sum` (coreutils, one thread)", sha256sum, sha256sum);
        if (openssl) {
            row(md, "`openssl dgst -sha256` (one thread)", opensslSha256, sha256sum);
        }
        row(md, "TorrentCreator v2, 1 thread", v2One, sha256sum);
        row(md, "TorrentCreator v2, " + cores + " threads", v2All, sha256sum);
        row(md, "TorrentCreator hybrid (SHA-256 + SHA-1), 1 thread", hybridOne, sha256sum);
        row(md, "TorrentCreator hybrid, " + cores + " threads", hybridAll, sha256sum);
        System.out.println(md);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.writeString(out.resolve("hashing.md"), md.toString(), StandardCharsets.UTF_8);
        assertTrue(v2One > 0 && sha256sum > 0);
    }

    private static void row(StringBuilder md, String what, double seconds, double baseline) {
        double mibPerSecond = SIZE / (1024.0 * 1024.0) / seconds;
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f× |%n", what, mibPerSecond, baseline / seconds));
    }

    interface Action {
        void run() throws Exception;
    }

    private static double best(Action action) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            action.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue());
    }

    private static void writeRandom(Path file) throws IOException {
        Random random = new Random(256);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < SIZE / chunk.length; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }
}
