package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.tracker.store.memory.TrackerStoreContract;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The store contract on an embedded H2 file database (a new file per store), plus persistence across a close
 * and reopen (what keeps the data when the store bundle is replaced), the store's own limits, and bad
 * configuration.
 */
class H2TrackerStoreTest extends TrackerStoreContract {
    private static final AtomicInteger FILES = new AtomicInteger();

    @TempDir
    static Path dir;

    private final List<HikariDataSource> pools = new ArrayList<>();

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    static String newUrl() {
        return "jdbc:h2:file:" + dir.resolve("store" + FILES.incrementAndGet()).resolve("tracker")
                + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    private HikariDataSource pool(String url) {
        HikariDataSource pool = PooledDataSources.open(url, "veilswarm", "", 4);
        pools.add(pool);
        return pool;
    }

    @Override
    protected TrackerStore newStore() {
        return new JdbcTrackerStore(pool(newUrl()));
    }

    @Test
    void closingAndReopeningTheFileKeepsRecordsPeersCountersAndTheFeed() {
        String url = newUrl();
        HikariDataSource firstPool = pool(url);
        JdbcTrackerStore first = new JdbcTrackerStore(firstPool);
        InfoHash v2 = InfoHash.of(new byte[32]);
        TorrentRecord record = new TorrentRecord(v2, "Big Buck Bunny", "open movie; \"quotes\" and 12:colons",
                Set.of("film", "cc-by"), 987_654_321L, List.of("bbb/video.mkv", "bbb/ünïcode.srt"),
                Visibility.PRIVATE, T0.plusNanos(123_456_789));
        first.putTorrent(record);
        first.announce(announce(peer(v2.truncated(), 1, 0, T0), AnnounceEvent.COMPLETED, 0));
        first.announce(announce(peer(v2.truncated(), 2, 10, T0.plusNanos(5)), AnnounceEvent.STARTED, 0));
        List<Change> feed = first.changesSince(0, 100);
        firstPool.close();
        assertTrue(Files.exists(Path.of(url.substring("jdbc:h2:file:".length(), url.indexOf(';')) + ".mv.db")));

        JdbcTrackerStore second = new JdbcTrackerStore(pool(url));
        assertEquals(Optional.of(record), second.torrent(v2), "a v2 record keeps its full hash and exact instant");
        assertEquals(Optional.of(record), second.torrent(v2.truncated()), "and is found by its wire form");
        assertEquals(Map.of(v2, new SwarmCounts(1, 1, 1)), second.scrape(List.of(v2)));
        assertEquals(feed, second.changesSince(0, 100));
        assertEquals(List.of(record), second.search("ünïcode", 10));
        second.announce(announce(peer(v2, 3, 10, T0), AnnounceEvent.COMPLETED, 0));
        assertEquals(4, second.headSequence(), "the feed continues where it was");
        assertEquals(2, second.statistics().completed(), "and so does the completed counter");
    }

    @Test
    void aFullTorrentAnswersNewPeersWithoutRecordingThem() {
        JdbcTrackerStore small = new JdbcTrackerStore(pool(newUrl()), new JdbcStoreLimits(3, 10, 100));
        InfoHash h = hash(1);
        for (int i = 1; i <= 3; i++) {
            small.announce(announce(peer(h, i, 5, T0), AnnounceEvent.STARTED, 5));
        }
        long head = small.headSequence();
        assertEquals(3, small.announce(announce(peer(h, 4, 5, T0), AnnounceEvent.STARTED, 5)).peers().size());
        assertEquals(Map.of(h, new SwarmCounts(0, 3, 0)), small.scrape(List.of(h)));
        assertEquals(head, small.headSequence(), "nothing recorded, nothing in the feed");
    }

    @Test
    void numWantIsCappedAndSeedersGetLeechersOnly() {
        JdbcTrackerStore small = new JdbcTrackerStore(pool(newUrl()), new JdbcStoreLimits(100, 4, 100));
        InfoHash h = hash(1);
        for (int i = 1; i <= 20; i++) {
            small.announce(announce(peer(h, i, i <= 10 ? 0 : 5, T0), AnnounceEvent.STARTED, 0));
        }
        assertEquals(4, small.announce(announce(peer(h, 30, 5, T0), AnnounceEvent.NONE, 50)).peers().size());
        JdbcTrackerStore wide = new JdbcTrackerStore(pool(newUrl()));
        for (int i = 1; i <= 20; i++) {
            wide.announce(announce(peer(h, i, i <= 10 ? 0 : 5, T0), AnnounceEvent.STARTED, 0));
        }
        var peers = wide.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.NONE, 50)).peers();
        assertEquals(10, peers.size());
        assertTrue(peers.stream().noneMatch(p -> p.seeder()), "a seeder is given leechers only");
    }

    @Test
    void changesBeyondTheRetentionAreDroppedByExpiry() {
        JdbcTrackerStore small = new JdbcTrackerStore(pool(newUrl()), new JdbcStoreLimits(100, 10, 3));
        for (int i = 1; i <= 6; i++) {
            small.announce(announce(peer(hash(1), i, 5, T0.plusSeconds(100)), AnnounceEvent.STARTED, 0));
        }
        assertEquals(0, small.expirePeers(T0));
        List<Change> kept = small.changesSince(0, 100);
        assertEquals(List.of(4L, 5L, 6L), kept.stream().map(Change::sequence).toList(),
                "a mirror at 0 sees the gap and takes a snapshot");
    }

    @Test
    void aWrongPasswordFailsClearlyWithoutQuotingIt() {
        String url = newUrl();
        PooledDataSources.open(url, "veilswarm", "right-password-55", 1).close();
        String wrong = "wrong-password-77";
        TrackerDatabaseException e = assertThrows(TrackerDatabaseException.class,
                () -> PooledDataSources.open(url, "veilswarm", wrong, 1));
        assertTrue(e.getMessage().contains(url), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("password"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong), e.getMessage());
    }

    @Test
    void unsupportedUrlsAndPasswordsInUrlsAreReportedRedacted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PooledDataSources.open("jdbc:mysql://db/x?password=hunter2", "u", "p", 1));
        assertTrue(e.getMessage().contains("jdbc:h2:") && e.getMessage().contains("jdbc:postgresql:"),
                e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertEquals("jdbc:postgresql://h/db?user=a&password=***&ssl=true",
                PooledDataSources.redact("jdbc:postgresql://h/db?user=a&password=s3cret&ssl=true"));
        assertThrows(IllegalArgumentException.class, () -> PooledDataSources.open(newUrl(), "u", "", 0));
    }

    @Test
    void theDefaultDatabaseIsAnH2FileUnderTheDataDirectory() {
        assertEquals("jdbc:h2:file:" + dir.resolve("tracker").resolve("tracker") + ";DB_CLOSE_ON_EXIT=FALSE",
                JdbcTrackerStoreComponent.defaultUrl(dir.toString()));
        assertThrows(IllegalStateException.class, () -> JdbcTrackerStoreComponent.defaultUrl(null));
    }
}
