package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.transport.TransportAddress;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Writes from concurrent threads share transactions (group commit), and what that must not change: every
 * caller's write is stored when its call returns, the change feed has no gap and follows commit order, and a
 * write the database refuses fails only its own caller, not the others of its batch.
 */
class GroupCommitTest {
    private static final InfoHash HASH = InfoHash.ofHex("cd".repeat(20));
    private static final int THREADS = 8;
    private static final int PER_THREAD = 150;
    /** Port the test's CHECK constraint refuses: announces from it fail inside the database. */
    private static final int REFUSED_PORT = 9;

    @TempDir
    Path dir;

    private HikariDataSource pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    private JdbcTrackerStore store() {
        pool = PooledDataSources.open("jdbc:h2:file:" + dir.resolve("tracker") + ";DB_CLOSE_ON_EXIT=FALSE",
                "veilswarm", "", 4);
        return new JdbcTrackerStore(pool);
    }

    @Test
    void concurrentAnnouncesShareTransactionsAndTheFeedStaysGapFreeAndComplete() throws Exception {
        JdbcTrackerStore store = store();
        long before = store.writeTransactions();
        List<List<Integer>> done = runConcurrently(store, n -> false);
        long transactions = store.writeTransactions() - before;
        int writes = THREADS * PER_THREAD;
        assertTrue(transactions < writes,
                "group commit should have put several writes in one transaction: " + transactions
                        + " transactions for " + writes + " writes");

        List<Change> feed = store.changesSince(0, writes + 10);
        assertEquals(writes, feed.size());
        for (int i = 0; i < feed.size(); i++) {
            assertEquals(i + 1, feed.get(i).sequence(), "feed has a gap or is out of order at " + i);
        }
        assertEquals(writes, store.headSequence());
        // Each thread's writes appear in the feed in the order that thread made them (its calls returned in turn).
        for (int t = 0; t < THREADS; t++) {
            List<Integer> seenInFeed = new ArrayList<>();
            for (Change c : feed) {
                int port = c.peer().orElseThrow().address().port();
                if (threadOf(port) == t) {
                    seenInFeed.add(port);
                }
            }
            assertEquals(done.get(t), seenInFeed);
        }
        assertEquals(writes, store.scrape(List.of(HASH)).get(HASH).complete()
                + store.scrape(List.of(HASH)).get(HASH).incomplete());
    }

    @Test
    void aWriteTheDatabaseRefusesFailsOnlyItsOwnCaller() throws Exception {
        JdbcTrackerStore store = store();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE peers ADD CONSTRAINT refuse_port CHECK (port <> " + REFUSED_PORT + ")");
        }
        // One announce in ten (per thread) comes from the refused port.
        List<List<Integer>> done = runConcurrently(store, n -> n % 10 == 3);
        int succeeded = done.stream().mapToInt(List::size).sum();
        assertEquals(THREADS * (PER_THREAD - PER_THREAD / 10), succeeded);

        List<Change> feed = store.changesSince(0, THREADS * PER_THREAD + 10);
        assertEquals(succeeded, feed.size(), "refused writes must leave no change behind");
        for (int i = 0; i < feed.size(); i++) {
            assertEquals(i + 1, feed.get(i).sequence(), "feed has a gap at " + i);
            assertTrue(feed.get(i).peer().orElseThrow().address().port() != REFUSED_PORT);
        }
        Set<Integer> stored = new HashSet<>();
        feed.forEach(c -> stored.add(c.peer().orElseThrow().address().port()));
        assertEquals(succeeded, stored.size());
    }

    @FunctionalInterface
    private interface Refused {
        boolean test(int n);
    }

    /**
     * THREADS threads each announce PER_THREAD distinct peers (port = thread * 1000 + 1000 + n, or the refused
     * port where {@code refused} says so, which must fail); returns, per thread, the ports whose announce
     * returned, in order.
     */
    private static List<List<Integer>> runConcurrently(JdbcTrackerStore store, Refused refused) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Integer> ok = new ArrayList<>();
                    for (int n = 0; n < PER_THREAD; n++) {
                        boolean refuse = refused.test(n);
                        int port = refuse ? REFUSED_PORT : thread * 1000 + 1000 + n;
                        Announce a = new Announce(peer(thread, n, port), AnnounceEvent.STARTED, 5);
                        if (refuse) {
                            TrackerDatabaseException e = assertThrows(TrackerDatabaseException.class,
                                    () -> store.announce(a));
                            assertTrue(e.getMessage().startsWith("tracker store: announce failed"), e.getMessage());
                        } else {
                            store.announce(a);
                            ok.add(port);
                        }
                    }
                    return ok;
                }));
            }
            start.countDown();
            List<List<Integer>> out = new ArrayList<>();
            // The bound only catches a hang, for all threads together (a loaded 2-core machine is slow, not hung).
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            for (Future<List<Integer>> f : futures) {
                out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int threadOf(int port) {
        return port / 1000 - 1;
    }

    private static PeerEntry peer(int thread, int n, int port) {
        byte[] id = String.format("-VS0001-%06d%06d", thread, n).getBytes(StandardCharsets.US_ASCII);
        return new PeerEntry(HASH, id, new TransportAddress("10.2." + thread + "." + (n & 0xff), port), n % 2,
                0, 0, Instant.parse("2026-11-22T00:00:00Z"));
    }
}
