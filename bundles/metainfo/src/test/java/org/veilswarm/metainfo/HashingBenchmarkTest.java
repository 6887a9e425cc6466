package org.veilswarm.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing throughput of torrent creation against {@code sha256sum} on the same 256 MiB file, measured
 * in the same run (ratios, not absolute times, are what compare across machines), with OpenSSL and
 * libtorrent 2.0's own {@code set_piece_hashes} (same piece length, timed inside Python so interpreter
 * start-up does not count) as further references. Not part of the default suite:
 * {@code mvn -B -pl bundles/metainfo -Pbench verify}.
 *
 * <p>Two figures per row, each the best of {@value #RUNS}: wall-clock MiB/s, and MiB per CPU-second
 * (user + system time of the process doing the hashing, all its threads). On a machine shared with other
 * builds the wall clock measures mostly the neighbours; CPU time measures the work, so its ratios are
 * the ones to compare. Prints a Markdown table for docs/performance.md, with the load average before
 * and after, and writes it to {@code target/bench/hashing.md}.
 */
@Tag("bench")
class HashingBenchmarkTest {

    private static final int SIZE = 256 << 20;
    private static final int RUNS = 3;
    private static final double MIB = SIZE / (1024.0 * 1024.0);

    @TempDir
    Path dir;

    /** Wall-clock and CPU seconds of one run. */
    record Sample(double wall, double cpu) {
        static Sample best(List<Sample> runs) {
            return new Sample(runs.stream().mapToDouble(Sample::wall).min().orElseThrow(),
                    runs.stream().mapToDouble(Sample::cpu).min().orElseThrow());
        }
    }

    interface Measurement {
        Sample run() throws Exception;
    }

    @Test
    void metainfoHashingAgainstSha256sum() throws Exception {
        Libtorrent.requireAvailable();
        String loadBefore = loadAverage();
        Path file = dir.resolve("bench.bin");
        writeRandom(file);
        int cores = Runtime.getRuntime().availableProcessors();
        int pieceLength = TorrentCreator.autoPieceLength(SIZE);

        // Warm up the JIT on the same code path.
        TorrentCreator.forPath(file).pieceLength(1 << 18).threads(1).create();

        Sample sha256sum = best(() -> shell("sha256sum '" + file + "'"));
        boolean openssl = Files.isExecutable(Path.of("/usr/bin/openssl"));
        Sample opensslSha256 = openssl ? best(() -> shell("/usr/bin/openssl dgst -sha256 '" + file + "'")) : null;
        Sample v2One = best(() -> inProcess(() -> TorrentCreator.forPath(file).threads(1).create()));
        Sample v2All = best(() -> inProcess(() -> TorrentCreator.forPath(file).threads(cores).create()));
        Sample hybridOne = best(() -> inProcess(() -> TorrentCreator.forPath(file).mode(TorrentMode.HYBRID).threads(1).create()));
        Sample hybridAll = best(() -> inProcess(() -> TorrentCreator.forPath(file).mode(TorrentMode.HYBRID).threads(cores).create()));
        Sample libtorrentV2 = best(() -> libtorrent(file, pieceLength, "v2"));
        Sample libtorrentHybrid = best(() -> libtorrent(file, pieceLength, "hybrid"));
        String loadAfter = loadAverage();

        StringBuilder md = new StringBuilder();
        md.append("| what (256 MiB file in page cache, best of ").append(RUNS)
                .append(") | wall MiB/s | vs sha256sum | MiB per CPU-s | vs sha256sum |\n");
        md.append("|---|---:|---:|---:|---:|\n");
        row(md, "`sha256sum` (coreutils, one thread)", sha256sum, sha256sum);
        if (openssl) {
            row(md, "`openssl dgst -sha256` (one thread)", opensslSha256, sha256sum);
        }
        row(md, "TorrentCreator v2, 1 thread", v2One, sha256sum);
        row(md, "TorrentCreator v2, " + cores + " threads", v2All, sha256sum);
        row(md, "TorrentCreator hybrid (SHA-256 + SHA-1), 1 thread", hybridOne, sha256sum);
        row(md, "TorrentCreator hybrid, " + cores + " threads", hybridAll, sha256sum);
        row(md, "libtorrent 2.0 `set_piece_hashes` v2 (" + pieceLength / 1024 + " KiB pieces)", libtorrentV2, sha256sum);
        row(md, "libtorrent 2.0 `set_piece_hashes` hybrid", libtorrentHybrid, sha256sum);
        md.append(String.format(Locale.ROOT, "%nOurs (1 thread) vs libtorrent per CPU-second: v2 %.2f×, hybrid %.2f×. "
                        + "Load average (1/5/15 min) before %s, after %s; %d cores.%n",
                libtorrentV2.cpu() / v2One.cpu(), libtorrentHybrid.cpu() / hybridOne.cpu(), loadBefore, loadAfter, cores));
        System.out.println(md);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.writeString(out.resolve("hashing.md"), md.toString(), StandardCharsets.UTF_8);
        assertTrue(v2One.wall() > 0 && sha256sum.wall() > 0 && v2One.cpu() > 0 && sha256sum.cpu() > 0);
    }

    private static void row(StringBuilder md, String what, Sample s, Sample baseline) {
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f× | %.0f | %.2f× |%n", what, MIB / s.wall(),
                baseline.wall() / s.wall(), MIB / s.cpu(), baseline.cpu() / s.cpu()));
    }

    private static Sample best(Measurement measurement) throws Exception {
        List<Sample> runs = new java.util.ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runs.add(measurement.run());
        }
        return Sample.best(runs);
    }

    interface Action {
        void run() throws Exception;
    }

    /** CPU time of this whole JVM (hashing threads, and whatever JIT or GC work the run causes). */
    private static Sample inProcess(Action action) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        action.run();
        return new Sample((System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9);
    }

    /** Runs {@code command} under bash's {@code time}, which reports the child's user and system time. */
    private static Sample shell(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='%3R %3U %3S'; time " + command + " > /dev/null")
                .start();
        String times = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), times);
        String[] f = times.substring(times.lastIndexOf('\n') + 1).split(" ");
        return new Sample(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]));
    }

    private static Sample libtorrent(Path file, int pieceLength, String mode) throws Exception {
        double wall = -1;
        double cpu = -1;
        for (String line : Libtorrent.run("hash", file.toString(), Integer.toString(pieceLength), mode)) {
            if (line.startsWith("seconds=")) {
                wall = Double.parseDouble(line.substring("seconds=".length()));
            } else if (line.startsWith("cpu_seconds=")) {
                cpu = Double.parseDouble(line.substring("cpu_seconds=".length()));
            }
        }
        assertTrue(wall > 0 && cpu > 0, "libtorrent_tool.py hash printed its times");
        return new Sample(wall, cpu);
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + "/" + fields[1] + "/" + fields[2];
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
