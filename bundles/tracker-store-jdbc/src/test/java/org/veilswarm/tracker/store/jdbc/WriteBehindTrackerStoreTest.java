package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.tracker.store.memory.TrackerStoreContract;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The store contract for the write-behind store on an embedded H2 file, with a flush interval of an hour so
 * that every write reaches the database through the paths that flush on their own (feed reads, records,
 * replication, expiry); then what write-behind adds: the database lags the answers until a flush, the flusher
 * writes on its own, peer rows are coalesced while the feed keeps every change, a reopened store continues
 * from the database, and a full queue refuses announces.
 */
class WriteBehindTrackerStoreTest extends TrackerStoreContract {
    private static final AtomicInteger FILES = new AtomicInteger();
    private static final WriteBehindSettings HOURLY = new WriteBehindSettings(Duration.ofHours(1), 100_000,
            Duration.ofHours(2));

    @TempDir
    static Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private String newUrl() {
        return "jdbc:h2:file:" + dir.resolve("wb" + FILES.incrementAndGet()).resolve("tracker")
                + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private HikariDataSource pool(String url) {
        HikariDataSource pool = PooledDataSources.open(url, "veilswarm", "", 4);
        open.add(pool);
        return pool;
    }

    private WriteBehindTrackerStore writeBehind(HikariDataSource pool, JdbcStoreLimits limits,
            WriteBehindSettings settings) {
        WriteBehindTrackerStore s = new WriteBehindTrackerStore(new JdbcTrackerStore(pool, limits), settings);
        open.add(s);
        return s;
    }

    @Override
    protected TrackerStore newStore() {
        return writeBehind(pool(newUrl()), JdbcStoreLimits.DEFAULT, HOURLY);
    }

    @Test
    void theDatabaseLagsTheAnswersUntilAFlushAndAReopenedStoreContinuesFromIt() {
        String url = newUrl();
        HikariDataSource pool = pool(url);
        WriteBehindTrackerStore first = writeBehind(pool, JdbcStoreLimits.DEFAULT, HOURLY);
        JdbcTrackerStore database = new JdbcTrackerStore(pool);
        InfoHash h = hash(1);
        first.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.COMPLETED, 0));
        first.announce(announce(peer(h, 2, 10, T0), AnnounceEvent.STARTED, 0));
        assertEquals(Map.of(h, new SwarmCounts(1, 1, 1)), first.scrape(List.of(h)), "answered from the view");
        assertEquals(Map.of(), database.scrape(List.of(h)), "not in the database before a flush");
        assertEquals(2, first.pendingWrites());

        first.flush();
        assertEquals(0, first.pendingWrites());
        assertEquals(Map.of(h, new SwarmCounts(1, 1, 1)), database.scrape(List.of(h)));
        assertEquals(2, database.headSequence());
        assertEquals(1, database.statistics().completed());

        first.announce(announce(peer(h, 3, 10, T0), AnnounceEvent.STARTED, 0));
        first.close(); // writes what is queued
        WriteBehindTrackerStore second = writeBehind(pool, JdbcStoreLimits.DEFAULT, HOURLY);
        assertEquals(Map.of(h, new SwarmCounts(1, 2, 1)), second.scrape(List.of(h)), "the view is loaded back");
        assertEquals(3, second.announce(announce(peer(h, 4, 10, T0), AnnounceEvent.STARTED, 50)).peers().size());
        assertEquals(4, second.headSequence(), "the feed continues where it was");
        assertEquals(1, second.statistics().completed());
    }

    @Test
    void theFlusherWritesQueuedAnnouncesOnItsOwn() throws InterruptedException {
        HikariDataSource pool = pool(newUrl());
        WriteBehindTrackerStore store = writeBehind(pool, JdbcStoreLimits.DEFAULT,
                new WriteBehindSettings(Duration.ofMillis(20), 1_000, Duration.ofSeconds(30)));
        JdbcTrackerStore database = new JdbcTrackerStore(pool);
        InfoHash h = hash(2);
        for (int i = 1; i <= 5; i++) {
            store.announce(announce(peer(h, i, 10, T0), AnnounceEvent.STARTED, 0));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<InfoHash, SwarmCounts> seen = Map.of();
        while (System.nanoTime() < deadline) {
            seen = database.scrape(List.of(h));
            if (seen.equals(Map.of(h, new SwarmCounts(0, 5, 0)))) {
                break;
            }
            Thread.sleep(10);
        }
        // Nothing else flushed: no feed read, and 5 writes are far below the announcers' threshold (100).
        assertEquals(Map.of(h, new SwarmCounts(0, 5, 0)), seen, "the flusher wrote the five announces");
    }

    @Test
    void peerRowsAreCoalescedWhileTheFeedKeepsEveryAnnounce() {
        HikariDataSource pool = pool(newUrl());
        WriteBehindTrackerStore store = writeBehind(pool, JdbcStoreLimits.DEFAULT, HOURLY);
        InfoHash h = hash(3);
        for (int i = 0; i < 10; i++) {
            store.announce(announce(peer(h, 1, 100 - i, T0.plusSeconds(i)), AnnounceEvent.NONE, 0));
        }
        store.announce(announce(peer(h, 2, 0, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(h, 2, 0, T0), AnnounceEvent.STOPPED, 0));
        List<Change> feed = store.changesSince(0, 100);
        assertEquals(12, feed.size(), "one change per announce");
        assertEquals(Change.Kind.PEER_REMOVE, feed.get(11).kind());
        assertEquals(1, store.flushes(), "one transaction for all of them");
        JdbcTrackerStore database = new JdbcTrackerStore(pool);
        assertEquals(Map.of(h, new SwarmCounts(0, 1, 0)), database.scrape(List.of(h)));
        long left = database.announce(announce(peer(h, 5, 10, T0), AnnounceEvent.STARTED, 10)).peers().get(0).left();
        assertEquals(91, left, "the row holds the latest announce");
    }

    /**
     * A re-announce that changes nothing but the time is a feed change but rewrites the peer's row only once its
     * time is {@link WriteBehindTrackerStore#ROW_REFRESH} past the row's; any other change writes the row at the
     * next flush. Expiry goes by the view's times, not the lagging rows'; a clean stop writes the rows exactly.
     */
    @Test
    void aReAnnounceThatOnlyMovesTheTimeRewritesTheRowOnlyAfterTheRefreshStep() throws Exception {
        HikariDataSource pool = pool(newUrl());
        WriteBehindTrackerStore store = writeBehind(pool, JdbcStoreLimits.DEFAULT, HOURLY);
        InfoHash h = hash(6);
        long refresh = WriteBehindTrackerStore.ROW_REFRESH.toSeconds();
        store.announce(announce(peer(h, 1, 10, T0), AnnounceEvent.STARTED, 0));
        store.flush();
        store.announce(announce(peer(h, 1, 10, T0.plusSeconds(10)), AnnounceEvent.NONE, 0));
        store.flush();
        assertEquals(T0, rowLastSeen(pool), "only the time moved: the row is not rewritten");
        store.announce(announce(peer(h, 1, 5, T0.plusSeconds(11)), AnnounceEvent.NONE, 0));
        store.flush();
        assertEquals(T0.plusSeconds(11), rowLastSeen(pool), "left changed: the row is rewritten");
        store.announce(announce(peer(h, 1, 5, T0.plusSeconds(20)), AnnounceEvent.NONE, 0));
        store.flush();
        assertEquals(T0.plusSeconds(11), rowLastSeen(pool));

        assertEquals(0, store.expirePeers(T0.plusSeconds(15)), "the view saw the peer at T0 + 20 s");
        assertEquals(Map.of(h, new SwarmCounts(0, 1, 0)), new JdbcTrackerStore(pool).scrape(List.of(h)),
                "its lagging row is kept");
        List<Change> feed = store.changesSince(0, 10);
        assertEquals(4, feed.size(), "every announce is in the feed");
        assertEquals(peer(h, 1, 5, T0.plusSeconds(20)), feed.get(3).peer().orElseThrow());

        store.announce(announce(peer(h, 1, 5, T0.plusSeconds(11 + refresh)), AnnounceEvent.NONE, 0));
        store.flush();
        assertEquals(T0.plusSeconds(11 + refresh), rowLastSeen(pool), "a refresh step later the row is rewritten");
        store.announce(announce(peer(h, 1, 5, T0.plusSeconds(12 + refresh)), AnnounceEvent.NONE, 0));
        store.close();
        assertEquals(T0.plusSeconds(12 + refresh), rowLastSeen(pool), "a clean stop writes the exact time");
    }

    private static java.time.Instant rowLastSeen(HikariDataSource pool) throws java.sql.SQLException {
        try (var c = pool.getConnection(); var s = c.createStatement();
                var r = s.executeQuery("SELECT last_seen_seconds, last_seen_nanos FROM peers")) {
            assertTrue(r.next(), "the peer has a row");
            java.time.Instant seen = java.time.Instant.ofEpochSecond(r.getLong(1), r.getInt(2));
            assertFalse(r.next(), "one row");
            return seen;
        }
    }

    @Test
    void aLongQueueWakesTheFlusherAndAnnouncesAreRefusedWhenTheDatabaseTakesNothing() throws InterruptedException {
        HikariDataSource pool = pool(newUrl());
        WriteBehindTrackerStore store = writeBehind(pool, JdbcStoreLimits.DEFAULT,
                new WriteBehindSettings(Duration.ofHours(1), 30, Duration.ofHours(2)));
        InfoHash h = hash(4);
        for (int i = 1; i <= 2; i++) {
            store.announce(announce(peer(h, i, 10, T0), AnnounceEvent.STARTED, 0));
        }
        assertEquals(2, store.pendingWrites());
        assertFalse(store.announceMayBlock(), "announces are answered from the view");
        store.announce(announce(peer(h, 3, 10, T0), AnnounceEvent.STARTED, 0));
        // A tenth of the bound reached: the flusher writes now, not in an hour (the announcer does not wait).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (store.pendingWrites() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, store.pendingWrites(), "the woken flusher wrote the queue within 30 s");
        assertEquals(Map.of(h, new SwarmCounts(0, 3, 0)), new JdbcTrackerStore(pool).scrape(List.of(h)));

        pool.close(); // the database takes nothing from now on
        int answered = 3;
        TrackerDatabaseException refused = null;
        for (int i = 4; i <= 40 && refused == null; i++) {
            try {
                store.announce(announce(peer(h, i, 10, T0), AnnounceEvent.STARTED, 0));
                answered++;
            } catch (TrackerDatabaseException e) {
                refused = e;
            }
        }
        assertTrue(refused != null && refused.getMessage().contains("waiting for the database"), "refused: " + refused);
        assertEquals(33, answered, "answered from the view until 30 writes were queued");
        assertEquals(Map.of(h, new SwarmCounts(0, 33, 0)), store.scrape(List.of(h)), "the refused one left no trace");
        assertEquals(30, store.pendingWrites());
        open.remove(store);
        assertThrows(TrackerDatabaseException.class, store::close, "closing says the queue could not be written");
    }

    @Test
    void aFullTorrentAnswersNewPeersWithoutRecordingThemAndSeedersGetLeechersOnly() {
        WriteBehindTrackerStore small = writeBehind(pool(newUrl()), new JdbcStoreLimits(3, 10, 100), HOURLY);
        InfoHash h = hash(5);
        small.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.STARTED, 5));
        for (int i = 2; i <= 3; i++) {
            small.announce(announce(peer(h, i, 5, T0), AnnounceEvent.STARTED, 5));
        }
        long head = small.headSequence();
        assertEquals(3, small.announce(announce(peer(h, 4, 5, T0), AnnounceEvent.STARTED, 5)).peers().size());
        assertEquals(Map.of(h, new SwarmCounts(1, 2, 0)), small.scrape(List.of(h)));
        assertEquals(head, small.headSequence(), "nothing recorded, nothing in the feed");
        assertEquals(Set.of(peer(h, 2, 5, T0).address(), peer(h, 3, 5, T0).address()),
                addresses(small.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.NONE, 10)).peers()),
                "a seeder is given leechers only");
    }
}
