package org.veilswarm.tracker.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

/**
 * A database as a store of schema version 1 left it (written here with version 1's own SQL, not through the
 * current store), and what a current store must find in it after migrating: the same records, peers, counters
 * and feed, sequence numbers included. Used on H2 files and on PostgreSQL.
 */
final class SchemaVersion1Database {
    static final InfoHash KEPT = InfoHash.ofHex("11".repeat(20));
    static final InfoHash REMOVED = InfoHash.ofHex("22".repeat(32));
    /** More than one change_batches row holds: the migration must split the feed. */
    static final int EXTRA_PUTS = FeedCodec.MAX_CHANGES + 88;
    static final TorrentRecord RECORD = new TorrentRecord(KEPT, "Ünïcode: name", "line one\nline two; 12:34",
            Set.of("music", "live"), 12_345, List.of("a/b.txt", "c:d e.bin"), Visibility.PUBLIC,
            Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
    private static final HexFormat HEX = HexFormat.of();

    private SchemaVersion1Database() {
    }

    static PeerEntry peer(int n, long left, Instant seen) {
        byte[] id = String.format("-VS0001-%012d", n).getBytes(StandardCharsets.US_ASCII);
        String host = n % 2 == 0 ? "10.0.0." + n : "fd00::" + n;
        return new PeerEntry(KEPT, id, new TransportAddress(host, 6_000 + n), left, n * 7L, n * 11L, seen);
    }

    /** The feed written into the version 1 database, in order from sequence 1. */
    static List<Change> feed() {
        List<Change> out = new ArrayList<>();
        Instant t = Instant.ofEpochSecond(1_700_000_100L, 5);
        out.add(new Change(1, Change.Kind.TORRENT_PUT, KEPT, Optional.empty(), Optional.of(RECORD)));
        out.add(new Change(2, Change.Kind.PEER_PUT, KEPT, Optional.of(peer(1, 0, t)), Optional.empty()));
        out.add(new Change(3, Change.Kind.PEER_PUT, KEPT, Optional.of(peer(2, 500, t)), Optional.empty()));
        out.add(new Change(4, Change.Kind.PEER_PUT, KEPT, Optional.of(peer(3, 9, t)), Optional.empty()));
        out.add(new Change(5, Change.Kind.PEER_REMOVE, KEPT, Optional.of(peer(3, 9, t)), Optional.empty()));
        out.add(new Change(6, Change.Kind.TORRENT_REMOVE, REMOVED, Optional.empty(), Optional.empty()));
        for (int i = 0; i < EXTRA_PUTS; i++) {
            out.add(new Change(7 + i, Change.Kind.PEER_PUT, KEPT, Optional.of(peer(2, 500, t.plusSeconds(i))),
                    Optional.empty()));
        }
        return out;
    }

    /** Migrates an empty database to version 1 only and fills it as a version 1 store would have. */
    static void write(DataSource pool) throws SQLException {
        assertEquals(List.of(1), SchemaMigrator.migrate(pool, 1));
        List<Change> feed = feed();
        PeerEntry seeder = peer(1, 0, feed.get(1).peer().orElseThrow().lastSeen());
        PeerEntry leecher = feed.get(feed.size() - 1).peer().orElseThrow();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            String key = KEPT.hex();
            update(c, "INSERT INTO torrents (info_key, info_hash, name, description, size_bytes, visibility, "
                    + "added_seconds, added_nanos, search_text, completed, seeders, leechers) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 3, 1, 1)", key, key, RECORD.name(), RECORD.description(),
                    RECORD.size(), RECORD.visibility().name(), RECORD.added().getEpochSecond(),
                    RECORD.added().getNano(), JdbcTrackerStore.searchText(RECORD));
            for (String tag : RECORD.tags()) {
                update(c, "INSERT INTO torrent_tags (info_key, tag) VALUES (?, ?)", key, tag);
            }
            for (int i = 0; i < RECORD.files().size(); i++) {
                update(c, "INSERT INTO torrent_files (info_key, file_index, path) VALUES (?, ?, ?)", key, i,
                        RECORD.files().get(i));
            }
            for (PeerEntry p : List.of(seeder, leecher)) {
                update(c, "INSERT INTO peers (info_key, host, port, info_hash, peer_id, left_bytes, uploaded, "
                        + "downloaded, last_seen_seconds, last_seen_nanos, sample_key) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", key, p.address().host(), p.address().port(),
                        key, HEX.formatHex(p.peerId()), p.left(), p.uploaded(), p.downloaded(),
                        p.lastSeen().getEpochSecond(), p.lastSeen().getNano(), p.address().port());
            }
            for (Change ch : feed) {
                PeerEntry p = ch.peer().orElse(null);
                update(c, "INSERT INTO changes (seq, kind, info_hash, peer_id, host, port, left_bytes, uploaded, "
                        + "downloaded, last_seen_seconds, last_seen_nanos, torrent_record) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ch.sequence(), ch.kind().name(),
                        ch.infoHash().hex(), p == null ? null : HEX.formatHex(p.peerId()),
                        p == null ? null : p.address().host(), p == null ? null : p.address().port(),
                        p == null ? null : p.left(), p == null ? null : p.uploaded(),
                        p == null ? null : p.downloaded(), p == null ? null : p.lastSeen().getEpochSecond(),
                        p == null ? null : p.lastSeen().getNano(),
                        ch.torrent().map(RecordCodec::encode).orElse(null));
            }
            update(c, "UPDATE feed_head SET seq = ? WHERE id = 1", (long) feed.size());
            update(c, "UPDATE counters SET amount = 3 WHERE name = 'completed'");
            c.commit();
        }
    }

    /** What a current store over the migrated database must show; it appends one change at the end. */
    static void assertKept(DataSource pool) throws SQLException {
        JdbcTrackerStore store = new JdbcTrackerStore(pool);
        assertEquals(SchemaMigrator.LATEST, SchemaMigrator.currentVersion(pool));
        try (Connection c = pool.getConnection();
                ResultSet r = c.getMetaData().getTables(null, null, null, new String[] {"TABLE"})) {
            while (r.next()) {
                assertFalse(r.getString("TABLE_NAME").equalsIgnoreCase("changes"),
                        "the version 1 feed table is dropped after its rows were copied");
            }
        }
        List<Change> feed = feed();
        assertEquals(feed, store.changesSince(0, feed.size() + 10), "the feed, change for change");
        assertEquals(feed.subList(550, 560), store.changesSince(550, 10), "a read from the middle of a row");
        assertEquals(feed.size(), store.headSequence());
        assertEquals(Optional.of(RECORD), store.torrent(KEPT));
        assertEquals(Map.of(KEPT, new SwarmCounts(1, 1, 3)), store.scrape(List.of(KEPT, REMOVED)));
        assertEquals(3, store.statistics().completed());
        // The peers are there: a new leecher gets both (a seeder and a leecher) and the feed continues.
        PeerEntry newcomer = peer(40, 1, Instant.now());
        assertEquals(2, store.announce(new Announce(newcomer, AnnounceEvent.STARTED, 50)).peers().size());
        List<Change> next = store.changesSince(feed.size(), 10);
        assertEquals(1, next.size());
        assertEquals(feed.size() + 1, next.get(0).sequence());
        assertEquals(Optional.of(newcomer), next.get(0).peer());
        try (WriteBehindTrackerStore writeBehind = new WriteBehindTrackerStore(store, WriteBehindSettings.DEFAULT)) {
            assertEquals(3, writeBehind.statistics().seeders() + writeBehind.statistics().leechers(),
                    "the write-behind view loads the migrated peers");
        }
        assertTrue(store.changesSince(0, 1).get(0).torrent().isPresent());
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null) {
                    p.setNull(i + 1, Types.NULL); // untyped: PostgreSQL takes it for any column
                } else {
                    p.setObject(i + 1, args[i]);
                }
            }
            p.executeUpdate();
        }
    }
}
