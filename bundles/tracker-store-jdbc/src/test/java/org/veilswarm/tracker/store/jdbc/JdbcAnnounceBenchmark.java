package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.store.journal.JournalSettings;
import org.veilswarm.tracker.store.journal.JournalTrackerStore;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Announces per second, in process, for the memory store, H2 and PostgreSQL, with one load generator: 4 threads,
 * 2,000 distinct peers of one torrent (a quarter seeders), {@code numwant=50}, periodic announces (no event).
 * Each store: 3 s warm-up, then 5 s measured. Runs only with {@code -Pbench}; prints the table of
 * docs/performance.md and writes it to target/bench-tracker-store.txt.
 */
class JdbcAnnounceBenchmark {
    private static final int THREADS = 4;
    private static final int PEERS = 2_000;
    private static final InfoHash HASH = InfoHash.ofHex("ab".repeat(20));

    @TempDir
    Path dir;

    /**
     * The write-behind store's cost beside the memory store's at the same paced load ({@code bench.rate}
     * announces/s, default 5,000, about what the HTTP benchmark reaches): CPU time of the whole process, of the
     * announcing threads and of the flusher thread per announce, over {@code bench.paced.millis} (default 10 s)
     * after {@code bench.paced.warmup} ms (default 3,000) of warm-up.
     */
    @Test
    void writeBehindCostAtAPacedLoad() throws Exception {
        int rate = Integer.getInteger("bench.rate", 5_000);
        long millis = Long.getLong("bench.paced.millis", 10_000);
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "paced: %,d announces/s from %d threads, %d ms measured after %d ms", rate,
                THREADS, millis, Long.getLong("bench.paced.warmup", 3_000)));
        rows.add("");
        rows.add("| store | announces/s | CPU µs per announce: process | announcing threads | flusher thread |");
        rows.add("|---|---|---|---|---|");
        // Memory first and last: the process figure includes JIT and GC, which the first run pays most of.
        Paced memory = paced(new MemoryTrackerStore(), rate, millis);
        rows.add(String.format(Locale.ROOT, "| memory | %,.0f | %.2f | %.2f | - |", memory.perSecond(),
                memory.cpuMicros(), memory.announcerMicros()));
        try (HikariDataSource h2 = PooledDataSources.open("jdbc:h2:file:" + dir.resolve("paced")
                + ";DB_CLOSE_ON_EXIT=FALSE", "veilswarm", "", THREADS);
                WriteBehindTrackerStore store = new WriteBehindTrackerStore(new JdbcTrackerStore(h2),
                        WriteBehindSettings.DEFAULT)) {
            Paced wb = paced(store, rate, millis);
            rows.add(String.format(Locale.ROOT, "| H2 write-behind (flush every 1 s) | %,.0f | %.2f | %.2f | %.2f |",
                    wb.perSecond(), wb.cpuMicros(), wb.announcerMicros(), wb.flusherMicros()));
        }
        try (JournalTrackerStore journal = new JournalTrackerStore(JournalSettings.defaults(dir.resolve("journal")))) {
            Paced j = paced(journal, rate, millis);
            rows.add(String.format(Locale.ROOT, "| journal (flush and fdatasync every 1 s) | %,.0f | %.2f | %.2f | %.2f |",
                    j.perSecond(), j.cpuMicros(), j.announcerMicros(), j.flusherMicros()));
        }
        Paced again = paced(new MemoryTrackerStore(), rate, millis);
        rows.add(String.format(Locale.ROOT, "| memory, again | %,.0f | %.2f | %.2f | - |", again.perSecond(),
                again.cpuMicros(), again.announcerMicros()));
        String table = String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target", "bench-tracker-store-paced.txt"), table, StandardCharsets.UTF_8);
        assertTrue(memory.perSecond() > 0);
    }

    private record Paced(double perSecond, double cpuMicros, double announcerMicros, double flusherMicros) {
    }

    private static Paced paced(TrackerStore store, int rate, long millis) throws Exception {
        for (int i = 0; i < PEERS; i++) {
            store.announce(announce(i, AnnounceEvent.STARTED));
        }
        runPaced(store, rate, Long.getLong("bench.paced.warmup", 3_000));
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long flusherBefore = flusherCpu(threads);
        java.util.Map<String, Long> before = cpuByThread(threads);
        long jitBefore = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long gcBefore = gcMillis();
        long cpuBefore = processCpu();
        long[] done = runPaced(store, rate, millis);
        long cpu = processCpu() - cpuBefore;
        long flusher = flusherCpu(threads) - flusherBefore;
        java.util.Map<String, Long> after = cpuByThread(threads);
        long jit = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
        long gc = gcMillis() - gcBefore;
        // Where the rest went (JIT, GC and the database's own threads are not the announcers'): printed only.
        StringBuilder top = new StringBuilder(store.getClass().getSimpleName() + ", CPU µs per announce by thread:");
        after.entrySet().stream().map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(
                e.getKey(), 0L))).sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(e -> top.append(String.format(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue() / 1e3
                        / done[0])));
        top.append(String.format(Locale.ROOT, " JIT compiling %.2f, GC %.2f (wall time)", jit * 1e3 / done[0],
                gc * 1e3 / done[0]));
        System.out.println(top);
        return new Paced(done[0] / (done[1] / 1e9), cpu / 1e3 / done[0], done[2] / 1e3 / done[0],
                flusher / 1e3 / done[0]);
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long gcMillis() {
        long sum = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** CPU nanoseconds of the live threads by name (digits folded, so pool threads add up). */
    private static java.util.Map<String, Long> cpuByThread(java.lang.management.ThreadMXBean threads) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            out.merge(t.getName().replaceAll("[0-9]+", "N"), Math.max(0, threads.getThreadCpuTime(t.getId())),
                    Long::sum);
        }
        return out;
    }

    private static long flusherCpu(java.lang.management.ThreadMXBean threads) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("veilswarm-tracker-store-flush") || t.getName().equals("veilswarm-tracker-journal")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /**
     * Announces at {@code rate} per second in all from {@link #THREADS} threads; {announces, nanoseconds, CPU
     * nanoseconds of the announcing threads}.
     */
    private static long[] runPaced(TrackerStore store, int rate, long millis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long start = System.nanoTime();
            long end = start + millis * 1_000_000L;
            long interval = 1_000_000_000L * THREADS / rate;
            List<Future<Long>> counts = new ArrayList<>();
            java.util.concurrent.atomic.AtomicLong announcerCpu = new java.util.concurrent.atomic.AtomicLong();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                counts.add(pool.submit(() -> {
                    long n = 0;
                    long cpuStart = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    long next = System.nanoTime();
                    for (int i = thread; System.nanoTime() < end; i = (i + THREADS) % PEERS) {
                        store.announce(announce(i, AnnounceEvent.NONE));
                        n++;
                        next += interval;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    announcerCpu.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean()
                            .getCurrentThreadCpuTime() - cpuStart);
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> f : counts) {
                total += f.get();
            }
            return new long[] {total, System.nanoTime() - start, announcerCpu.get()};
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void announcesPerSecond() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add("| store | announces/s | relative to memory |");
        rows.add("|---|---|---|");
        double memory = measure(new MemoryTrackerStore());
        rows.add(row("memory", memory, memory));
        try (HikariDataSource h2 = PooledDataSources.open("jdbc:h2:file:" + dir.resolve("bench") + ";DB_CLOSE_ON_EXIT=FALSE",
                "veilswarm", "", THREADS)) {
            rows.add(row("H2 2.3 (embedded file)", measure(new JdbcTrackerStore(h2)), memory));
        }
        // -Dbench.postgresql=false leaves PostgreSQL out (its server takes a while to start).
        if (!Boolean.parseBoolean(System.getProperty("bench.postgresql", "true"))) {
            finish(rows, memory);
            return;
        }
        try (PostgresServer server = PostgresServer.start()) {
            server.admin("CREATE DATABASE bench");
            try (HikariDataSource pg = PooledDataSources.open(server.url("bench"), PostgresServer.USER,
                    PostgresServer.PASSWORD, THREADS)) {
                rows.add(row("PostgreSQL (loopback TCP, fsync off)", measure(new JdbcTrackerStore(pg)), memory));
            }
        }
        finish(rows, memory);
    }

    private static void finish(List<String> rows, double memory) throws Exception {
        String table = String.join("\n", rows) + "\n";
        System.out.println(table);
        Files.writeString(Path.of("target", "bench-tracker-store.txt"), table, StandardCharsets.UTF_8);
        assertTrue(memory > 0);
    }

    private static String row(String name, double perSecond, double memory) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %.3f |", name, perSecond, perSecond / memory);
    }

    private static double measure(TrackerStore store) throws Exception {
        for (int i = 0; i < PEERS; i++) {
            store.announce(announce(i, AnnounceEvent.STARTED));
        }
        run(store, 3_000);
        return run(store, 5_000);
    }

    /** Announces per second over {@code millis}, from {@link #THREADS} threads. */
    private static double run(TrackerStore store, long millis) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Long>> counts = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                counts.add(pool.submit(() -> {
                    long n = 0;
                    for (int i = thread; !stop.get(); i = (i + THREADS) % PEERS) {
                        store.announce(announce(i, AnnounceEvent.NONE));
                        n++;
                    }
                    return n;
                }));
            }
            Thread.sleep(millis);
            stop.set(true);
            long total = 0;
            for (Future<Long> f : counts) {
                total += f.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Announce announce(int n, AnnounceEvent event) {
        byte[] id = String.format("-VS0001-%012d", n).getBytes(StandardCharsets.US_ASCII);
        TransportAddress address = new TransportAddress("10.1." + (n >> 8) + "." + (n & 0xff), 6881);
        return new Announce(new PeerEntry(HASH, id, address, n % 4 == 0 ? 0 : 1000, 0, 0, Instant.now()), event, 50);
    }
}
