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
