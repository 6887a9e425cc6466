package org.veilswarm.tracker.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SearchIndex;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;

/**
 * A {@link TrackerStore} in a relational database (H2 2.x or PostgreSQL) reached through a {@link DataSource};
 * the schema is in {@code schema/*.sql} and {@link SchemaMigrator} applies it when the store is created.
 *
 * <p><b>Every call blocks</b> on database round trips (typically 0.1–2 ms, more under load or over a network):
 * the tracker must call this store off its event loop, as the {@link TrackerStore} contract says.
 *
 * <p><b>Semantics</b> are the memory store's: peers keyed by transport address within a torrent, a
 * {@code stopped} event removes the peer, {@code completed} increments the torrent's download counter and the
 * store's total; an announce never returns the announcing peer and a seeder gets leechers only; info-hashes are
 * keyed by their 20-byte wire form ({@link InfoHash#truncated()}, BEP 52) while records keep the hash they were
 * put with; a torrent exists while it has a record or a peer (the last peer of a record-less torrent takes the
 * torrent and its download counter with it). Seeder and leecher counts are kept in the torrent's row, and peer
 * lists are read from a random point of an index of per-peer random keys (see {@code Tx.sample}), so that an
 * announce costs a fixed number of indexed statements whatever the size of the swarm.
 *
 * <p><b>Change feed.</b> Each mutation and the changes it appends commit in one transaction. Sequence numbers
 * come from the one-row {@code feed_head} table, read {@code FOR UPDATE} at the start of every writing
 * transaction and advanced in it. A database sequence (or identity column) would not do: sequences are not
 * transactional (a rolled-back write leaves a gap, which a mirror must read as "changes were dropped, take a
 * snapshot") and concurrent writers draw numbers in one order and commit in another, so a mirror could read
 * {@code n+1}, move its cursor past {@code n} and never see {@code n}. The {@code feed_head} row lock serialises
 * writers, also across processes sharing the database; writers in this JVM additionally queue on a lock
 * before taking a connection, so they do not hold pool connections while waiting. Reads (scrape, search,
 * statistics, the feed) run concurrently with writes.
 *
 * <p>Changes older than {@link JdbcStoreLimits#changeRetention()} are deleted by {@link #expirePeers}; a mirror
 * further behind sees a gap (first change returned is not {@code last + 1}) and takes a full snapshot.
 */
public final class JdbcTrackerStore implements TrackerStore {
    private static final HexFormat HEX = HexFormat.of();
    private static final Comparator<Ranked> BEST_FIRST = Comparator.comparingInt(Ranked::score).reversed()
            .thenComparing(r -> r.record().added(), Comparator.reverseOrder())
            .thenComparing(r -> r.record().infoHash());
    private static final String INSERT_PEERS = "INSERT INTO peers (info_key, host, port, info_hash, peer_id, "
            + "left_bytes, uploaded, downloaded, last_seen_seconds, last_seen_nanos, sample_key) VALUES ";
    private static final String PEER_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Rows per multi-row insert of {@link Tx#replacePeerRows}: 704 parameters, within every driver's limits. */
    static final int PEER_ROWS_PER_INSERT = 64;
    static final String PEER_COLUMNS = "info_hash, peer_id, host, port, left_bytes, uploaded, downloaded, "
            + "last_seen_seconds, last_seen_nanos";
    private static final String RECORD_COLUMNS = "info_key, info_hash, name, description, size_bytes, visibility, "
            + "added_seconds, added_nanos";

    private final DataSource dataSource;
    private final JdbcStoreLimits limits;
    /** Writes a batch runs in one transaction at most; bounds a transaction's size and its lock time. */
    static final int MAX_BATCH = 64;

    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final ConcurrentLinkedQueue<PendingWrite<?>> queued = new ConcurrentLinkedQueue<>();
    private final AtomicLong batches = new AtomicLong();

    /**
     * Opens a store, migrating the schema first.
     *
     * @throws UnsupportedSchemaException if the database was written by a newer store
     * @throws TrackerDatabaseException if the database cannot be reached or migrated
     */
    public JdbcTrackerStore(DataSource dataSource, JdbcStoreLimits limits) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.limits = Objects.requireNonNull(limits, "limits");
        SchemaMigrator.migrate(dataSource);
    }

    public JdbcTrackerStore(DataSource dataSource) {
        this(dataSource, JdbcStoreLimits.DEFAULT);
    }

    public JdbcStoreLimits limits() {
        return limits;
    }

    @Override
    public AnnounceResult announce(Announce announce) {
        Objects.requireNonNull(announce, "announce");
        PeerEntry peer = announce.peer();
        String key = key(peer.infoHash());
        SwarmCounts after = write("announce", tx -> {
            if (announce.event() == AnnounceEvent.STOPPED) {
                boolean removed = tx.deletePeer(key, peer.address());
                if (removed) {
                    tx.append(Change.Kind.PEER_REMOVE, peer.infoHash(), peer, null);
                }
                SwarmCounts counts = tx.counts(key).orElse(new SwarmCounts(0, 0, 0));
                if (removed) {
                    tx.forgetIfEmpty(key);
                }
                return counts;
            }
            tx.ensureTorrent(key);
            if (announce.event() == AnnounceEvent.COMPLETED) {
                tx.update("UPDATE torrents SET completed = completed + 1 WHERE info_key = ?", key);
                tx.update("UPDATE counters SET amount = amount + 1 WHERE name = 'completed'");
            }
            boolean recorded = tx.putPeer(key, peer);
            if (recorded) {
                tx.append(Change.Kind.PEER_PUT, peer.infoHash(), peer, null);
            }
            SwarmCounts counts = tx.counts(key).orElseThrow();
            if (!recorded) {
                // A torrent without record whose only candidate peer was refused must not linger (lifetime rule).
                tx.forgetIfEmpty(key);
            }
            return counts;
        });
        int wanted = Math.min(announce.numWant(), limits.maxNumWant());
        if (announce.event() == AnnounceEvent.STOPPED || wanted == 0) {
            return new AnnounceResult(List.of(), after);
        }
        // The peer list is read after the commit, outside the writers' lock: it needs no consistency with the
        // write, and other announces can commit meanwhile.
        return new AnnounceResult(read("announce", c -> {
            try (Tx tx = new Tx(c)) {
                return tx.sample(key, peer, wanted);
            }
        }), after);
    }

    @Override
    public Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes) {
        return read("scrape", c -> {
            Map<InfoHash, SwarmCounts> out = new LinkedHashMap<>();
            try (Tx tx = new Tx(c)) {
                for (InfoHash hash : infoHashes) {
                    tx.counts(key(hash)).ifPresent(counts -> out.put(hash, counts));
                }
            }
            return out;
        });
    }

    @Override
    public int expirePeers(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        return write("expire peers", tx -> {
            List<PeerEntry> old = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            try (PreparedStatement p = tx.c.prepareStatement("SELECT info_key, " + PEER_COLUMNS + " FROM peers "
                    + "WHERE last_seen_seconds < ? OR (last_seen_seconds = ? AND last_seen_nanos < ?)")) {
                p.setLong(1, cutoff.getEpochSecond());
                p.setLong(2, cutoff.getEpochSecond());
                p.setInt(3, cutoff.getNano());
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        keys.add(r.getString(1));
                        old.add(peerAt(r, 2));
                    }
                }
            }
            for (int i = 0; i < old.size(); i++) {
                tx.deletePeer(keys.get(i), old.get(i).address());
                tx.append(Change.Kind.PEER_REMOVE, old.get(i).infoHash(), old.get(i), null);
            }
            tx.update("DELETE FROM torrents WHERE info_hash IS NULL AND seeders = 0 AND leechers = 0");
            trimFeed(tx);
            return old.size();
        });
    }

    /**
     * What {@link #expirePeers} does besides removing peers: forgets torrents without record or peer and deletes
     * the changes beyond the retention (whole rows: a row is kept while any of its changes is within it). For
     * the write-behind store, whose rows may lag its peers' last-seen times by design.
     */
    void trimAfterExpiry() {
        write("trim feed", tx -> {
            tx.update("DELETE FROM torrents WHERE info_hash IS NULL AND seeders = 0 AND leechers = 0");
            trimFeed(tx);
            return null;
        });
    }

    private void trimFeed(Tx tx) throws SQLException {
        tx.update("DELETE FROM change_batches WHERE last_seq <= ?", tx.head - limits.changeRetention());
    }

    @Override
    public void putTorrent(TorrentRecord record) {
        Objects.requireNonNull(record, "record");
        write("put torrent", tx -> {
            tx.putRecord(record);
            tx.append(Change.Kind.TORRENT_PUT, record.infoHash(), null, record);
            return null;
        });
    }

    @Override
    public Optional<TorrentRecord> torrent(InfoHash infoHash) {
        String key = key(infoHash);
        return read("read torrent", c -> {
            List<TorrentRecord> found = records(c, "SELECT " + RECORD_COLUMNS + " FROM torrents "
                    + "WHERE info_key = ? AND info_hash IS NOT NULL", List.of(key));
            return found.stream().findFirst();
        });
    }

    @Override
    public boolean removeTorrent(InfoHash infoHash) {
        String key = key(infoHash);
        return write("remove torrent", tx -> {
            tx.update("DELETE FROM peers WHERE info_key = ?", key);
            if (tx.update("DELETE FROM torrents WHERE info_key = ?", key) == 0) {
                return false;
            }
            tx.append(Change.Kind.TORRENT_REMOVE, infoHash, null, null);
            return true;
        });
    }

    @Override
    public List<TorrentRecord> search(String query, int limit) {
        Objects.requireNonNull(query, "query");
        if (limit < 0) {
            throw new IllegalArgumentException("limit cannot be negative: " + limit);
        }
        Set<String> tokens = SearchIndex.tokens(query);
        if (limit == 0) {
            return List.of();
        }
        if (tokens.isEmpty()) {
            return read("list torrents", c -> records(c, "SELECT " + RECORD_COLUMNS + " FROM torrents "
                    + "WHERE info_hash IS NOT NULL ORDER BY added_seconds DESC, added_nanos DESC, info_hash "
                    + "LIMIT " + limit, List.of()));
        }
        // Tokens are letters and digits only, so they need no LIKE escaping.
        StringBuilder sql = new StringBuilder("SELECT " + RECORD_COLUMNS
                + " FROM torrents WHERE info_hash IS NOT NULL AND (");
        List<Object> args = new ArrayList<>();
        for (String token : tokens) {
            sql.append(args.isEmpty() ? "" : " OR ").append("search_text LIKE ?");
            args.add("% " + token + " %");
        }
        sql.append(')');
        List<TorrentRecord> candidates = read("search", c -> records(c, sql.toString(), args));
        return candidates.stream().map(r -> new Ranked(r, SearchIndex.of(r).score(tokens))).filter(r -> r.score() > 0)
                .sorted(BEST_FIRST).limit(limit).map(Ranked::record).toList();
    }

    @Override
    public TrackerStatistics statistics() {
        return read("statistics", c -> {
            long completed = longQuery(c, "SELECT amount FROM counters WHERE name = 'completed'");
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT COUNT(*), COALESCE(SUM(seeders), 0), COALESCE(SUM(leechers), 0) FROM torrents");
                    ResultSet r = p.executeQuery()) {
                r.next();
                return new TrackerStatistics(r.getLong(1), r.getLong(2), r.getLong(3), completed);
            }
        });
    }

    @Override
    public long headSequence() {
        return read("read head sequence", c -> longQuery(c, "SELECT seq FROM feed_head WHERE id = 1"));
    }

    @Override
    public List<Change> changesSince(long afterSequence, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max cannot be negative: " + max);
        }
        if (max == 0) {
            return List.of();
        }
        return read("read change feed", c -> {
            List<Change> out = new ArrayList<>();
            // Rows hold runs of consecutive changes (FeedCodec): read rows in order, a few at a time, until
            // `max` changes are decoded or the feed ends.
            long after = afterSequence;
            try (PreparedStatement p = c.prepareStatement("SELECT last_seq, first_seq, entries FROM change_batches "
                    + "WHERE last_seq > ? ORDER BY last_seq LIMIT 4")) {
                while (out.size() < max) {
                    p.setLong(1, after);
                    int rows = 0;
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next() && out.size() < max) {
                            rows++;
                            after = r.getLong(1);
                            FeedCodec.decode(r.getString(3), r.getLong(2), afterSequence, max, out);
                        }
                    }
                    if (rows == 0) {
                        break;
                    }
                }
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new SQLException("the change feed is damaged: " + e.getMessage(), e);
            }
            return out;
        });
    }

    @Override
    public long apply(Change change) {
        Objects.requireNonNull(change, "change");
        String key = key(change.infoHash());
        return write("apply change", tx -> {
            switch (change.kind()) {
                case PEER_PUT -> {
                    tx.ensureTorrent(key);
                    tx.putPeer(key, change.peer().orElseThrow());
                    tx.forgetIfEmpty(key);
                }
                case PEER_REMOVE -> {
                    tx.deletePeer(key, change.peer().orElseThrow().address());
                    tx.forgetIfEmpty(key);
                }
                case TORRENT_PUT -> tx.putRecord(change.torrent().orElseThrow());
                case TORRENT_REMOVE -> {
                    tx.update("DELETE FROM peers WHERE info_key = ?", key);
                    tx.update("DELETE FROM torrents WHERE info_key = ?", key);
                }
            }
            // Logged whether or not it altered anything, so that a mirror of this mirror sees the same operations.
            return tx.append(change.kind(), change.infoHash(), change.peer().orElse(null),
                    change.torrent().orElse(null));
        });
    }

    static String key(InfoHash hash) {
        return hash.truncated().hex();
    }

    static PeerEntry peerAt(ResultSet r, int first) throws SQLException {
        return new PeerEntry(InfoHash.ofHex(r.getString(first)), HEX.parseHex(r.getString(first + 1)),
                new TransportAddress(r.getString(first + 2), r.getInt(first + 3)), r.getLong(first + 4),
                r.getLong(first + 5), r.getLong(first + 6),
                Instant.ofEpochSecond(r.getLong(first + 7), r.getInt(first + 8)));
    }

    private static long longQuery(Connection c, String sql) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private static void bind(PreparedStatement p, List<?> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a == null) {
                p.setNull(i + 1, Types.VARCHAR);
            } else {
                p.setObject(i + 1, a);
            }
        }
    }

    /** Records (with their tags and files) selected by {@code sql}, whose columns are {@link #RECORD_COLUMNS}. */
    private static List<TorrentRecord> records(Connection c, String sql, List<?> args) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    rows.add(new Object[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        r.getLong(5), r.getString(6), r.getLong(7), r.getInt(8)});
                }
            }
        }
        List<String> keys = rows.stream().map(row -> (String) row[0]).toList();
        Map<String, List<String>> tags = byKey(c, "SELECT info_key, tag FROM torrent_tags WHERE info_key IN ",
                "", keys);
        Map<String, List<String>> files = byKey(c, "SELECT info_key, path FROM torrent_files WHERE info_key IN ",
                " ORDER BY info_key, file_index", keys);
        List<TorrentRecord> out = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            String key = (String) row[0];
            out.add(new TorrentRecord(InfoHash.ofHex((String) row[1]), (String) row[2], (String) row[3],
                    Set.copyOf(tags.getOrDefault(key, List.of())), (Long) row[4], files.getOrDefault(key, List.of()),
                    Visibility.valueOf((String) row[5]), Instant.ofEpochSecond((Long) row[6], (Integer) row[7])));
        }
        return out;
    }

    /**
     * Second-column values grouped by the first column, for the given keys: one query per 500 keys instead of
     * one per record.
     */
    private static Map<String, List<String>> byKey(Connection c, String sqlBeforeList, String sqlAfterList,
            List<String> keys) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement p = c.prepareStatement(sqlBeforeList + "(" + marks + ")" + sqlAfterList)) {
                bind(p, chunk);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
                    }
                }
            }
        }
        return out;
    }

    <T> T read(String what, SqlFunction<Connection, T> body) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return body.apply(c);
        } catch (SQLException e) {
            throw new TrackerDatabaseException("tracker store: " + what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code body} in a writing transaction, <em>group-committed</em> with the writes other threads queued
     * meanwhile: the caller queues its write, then whoever holds the writers' lock takes every queued write (at
     * most {@link #MAX_BATCH}), runs them one after the other in one transaction (one {@code feed_head} lock,
     * one head update, one commit, statements prepared once) and completes each. A caller returns only after the
     * transaction holding its write has committed, so an answer never claims what is not stored; the feed stays
     * gap-free and in commit order because the batch advances the head in the order it runs the writes.
     * If any write of a batch fails, the batch is rolled back and each of its writes is run again in a
     * transaction of its own, so that one failing write fails only its caller.
     */
    <T> T write(String what, SqlFunction<Tx, T> body) {
        PendingWrite<T> mine = new PendingWrite<>(what, body);
        queued.add(mine);
        writeLock.lock();
        try {
            if (!mine.done) {
                List<PendingWrite<?>> batch = new ArrayList<>();
                for (PendingWrite<?> next; batch.size() < MAX_BATCH && (next = queued.poll()) != null;) {
                    batch.add(next);
                }
                runBatch(batch);
            }
        } finally {
            writeLock.unlock();
        }
        if (!mine.done) {
            // Queued behind a full batch: ours is in the queue still, run the next batch ourselves.
            return runQueued(mine);
        }
        return mine.outcome();
    }

    /** Runs a write left in the queue after a full batch (rare: more than {@link #MAX_BATCH} writers queued). */
    private <T> T runQueued(PendingWrite<T> mine) {
        writeLock.lock();
        try {
            while (!mine.done) {
                List<PendingWrite<?>> batch = new ArrayList<>();
                for (PendingWrite<?> next; batch.size() < MAX_BATCH && (next = queued.poll()) != null;) {
                    batch.add(next);
                }
                runBatch(batch);
            }
        } finally {
            writeLock.unlock();
        }
        return mine.outcome();
    }

    private void runBatch(List<PendingWrite<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        batches.incrementAndGet();
        if (batch.size() > 1 && runInOneTransaction(batch)) {
            return;
        }
        for (PendingWrite<?> w : batch) {
            runInOneTransaction(List.of(w));
        }
    }

    /**
     * True if every write of the batch ran and the transaction committed; for a batch of one, its failure is
     * recorded in the write instead; for a larger batch, false after a rollback (nothing is completed).
     */
    private boolean runInOneTransaction(List<PendingWrite<?>> batch) {
        boolean alone = batch.size() == 1;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Tx tx = new Tx(c)) {
                tx.head = tx.lockHead();
                long before = tx.head;
                Object[] results = new Object[batch.size()];
                for (int i = 0; i < batch.size(); i++) {
                    results[i] = batch.get(i).body.apply(tx);
                }
                if (tx.head != before) {
                    tx.writeFeed();
                    tx.update("UPDATE feed_head SET seq = ? WHERE id = 1", tx.head);
                }
                c.commit();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).succeed(results[i]);
                }
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            if (alone) {
                batch.get(0).fail(e);
            }
            return false;
        }
    }

    /** Number of write transactions run so far (for tests and benchmarks: writes per transaction). */
    long writeTransactions() {
        return batches.get();
    }

    /** A write queued for the next group commit; completed by whichever thread runs its batch. */
    private static final class PendingWrite<T> {
        final String what;
        final SqlFunction<Tx, T> body;
        volatile boolean done;
        private T result;
        private Exception failure;

        PendingWrite(String what, SqlFunction<Tx, T> body) {
            this.what = what;
            this.body = body;
        }

        @SuppressWarnings("unchecked")
        void succeed(Object value) {
            result = (T) value;
            done = true;
        }

        void fail(Exception e) {
            failure = e;
            done = true;
        }

        T outcome() {
            if (failure instanceof SQLException e) {
                throw new TrackerDatabaseException("tracker store: " + what + " failed: " + e.getMessage(), e);
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            return result;
        }
    }

    @FunctionalInterface
    interface SqlFunction<A, T> {
        T apply(A argument) throws SQLException;
    }

    private record Ranked(TorrentRecord record, int score) {
    }

    /** The statements of one transaction; {@code head} is the feed head as this transaction advances it. */
    final class Tx implements AutoCloseable {
        final Connection c;
        long head;
        /** Changes appended in this transaction, head - size + 1 .. head; written by {@link #writeFeed}. */
        private final List<FeedCodec.Entry> feed = new ArrayList<>();
        /** Statements prepared once per transaction: a batch of announces runs the same handful many times. */
        private final Map<String, PreparedStatement> prepared = new HashMap<>();

        Tx(Connection c) {
            this.c = c;
        }

        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement p = prepared.get(sql);
            if (p == null) {
                p = c.prepareStatement(sql);
                prepared.put(sql, p);
            }
            return p;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement p : prepared.values()) {
                p.close();
            }
            prepared.clear();
        }

        long lockHead() throws SQLException {
            try (ResultSet r = prepare("SELECT seq FROM feed_head WHERE id = 1 FOR UPDATE").executeQuery()) {
                if (!r.next()) {
                    throw new TrackerDatabaseException("the feed_head row is missing: the schema is damaged");
                }
                return r.getLong(1);
            }
        }

        int update(String sql, Object... args) throws SQLException {
            PreparedStatement p = prepare(sql);
            bind(p, List.of(args));
            return p.executeUpdate();
        }

        void ensureTorrent(String key) throws SQLException {
            PreparedStatement p = prepare("SELECT 1 FROM torrents WHERE info_key = ?");
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    return;
                }
            }
            update("INSERT INTO torrents (info_key, completed) VALUES (?, 0)", key);
        }

        void forgetIfEmpty(String key) throws SQLException {
            update("DELETE FROM torrents WHERE info_key = ? AND info_hash IS NULL AND seeders = 0 AND leechers = 0",
                    key);
        }

        boolean deletePeer(String key, TransportAddress address) throws SQLException {
            Long left = leftOf(key, address);
            if (left == null) {
                return false;
            }
            update("DELETE FROM peers WHERE info_key = ? AND host = ? AND port = ?", key, address.host(),
                    address.port());
            adjustCounts(key, left == 0 ? -1 : 0, left == 0 ? 0 : -1);
            return true;
        }

        /** The {@code left} of a peer, null if the torrent has no peer at that address. */
        private Long leftOf(String key, TransportAddress address) throws SQLException {
            PreparedStatement p = prepare(
                    "SELECT left_bytes FROM peers WHERE info_key = ? AND host = ? AND port = ?");
            p.setString(1, key);
            p.setString(2, address.host());
            p.setInt(3, address.port());
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getLong(1) : null;
            }
        }

        private void adjustCounts(String key, int seeders, int leechers) throws SQLException {
            if (seeders != 0 || leechers != 0) {
                update("UPDATE torrents SET seeders = seeders + ?, leechers = leechers + ? WHERE info_key = ?",
                        seeders, leechers, key);
            }
        }

        /** Adds or updates a peer; false if the torrent is full and the peer is new. */
        boolean putPeer(String key, PeerEntry peer) throws SQLException {
            Instant seen = peer.lastSeen();
            int sampleKey = ThreadLocalRandom.current().nextInt();
            Long previousLeft = leftOf(key, peer.address());
            if (previousLeft != null) {
                update("UPDATE peers SET info_hash = ?, peer_id = ?, left_bytes = ?, uploaded = ?, downloaded = ?, "
                        + "last_seen_seconds = ?, last_seen_nanos = ?, sample_key = ? "
                        + "WHERE info_key = ? AND host = ? AND port = ?", peer.infoHash().hex(),
                        HEX.formatHex(peer.peerId()), peer.left(), peer.uploaded(), peer.downloaded(),
                        seen.getEpochSecond(), seen.getNano(), sampleKey, key, peer.address().host(),
                        peer.address().port());
                int becameSeeder = (peer.seeder() ? 1 : 0) - (previousLeft == 0 ? 1 : 0);
                adjustCounts(key, becameSeeder, -becameSeeder);
                return true;
            }
            SwarmCounts counts = counts(key).orElseThrow();
            if (counts.complete() + counts.incomplete() >= limits.maxPeersPerTorrent()) {
                return false;
            }
            update("INSERT INTO peers (info_key, host, port, info_hash, peer_id, left_bytes, uploaded, downloaded, "
                    + "last_seen_seconds, last_seen_nanos, sample_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    key, peer.address().host(), peer.address().port(), peer.infoHash().hex(),
                    HEX.formatHex(peer.peerId()), peer.left(), peer.uploaded(), peer.downloaded(),
                    seen.getEpochSecond(), seen.getNano(), sampleKey);
            adjustCounts(key, peer.seeder() ? 1 : 0, peer.seeder() ? 0 : 1);
            return true;
        }

        /**
         * Up to {@code count} distinct peers other than {@code self} (leechers only for a seeder): those whose
         * random {@code sample_key} follows a random pivot, wrapping round to the start of the index. Keys are
         * redrawn at every announce, so successive answers differ while each query reads only {@code count}
         * index entries (plus skipped seeders), not the whole swarm.
         */
        List<PeerEntry> sample(String key, PeerEntry self, int count) throws SQLException {
            List<PeerEntry> out = new ArrayList<>();
            if (count == 0) {
                return out;
            }
            int pivot = ThreadLocalRandom.current().nextInt();
            samplePart(key, self, ">=", pivot, count, out);
            if (out.size() < count) {
                samplePart(key, self, "<", pivot, count - out.size(), out);
            }
            return out;
        }

        private void samplePart(String key, PeerEntry self, String side, int pivot, int count, List<PeerEntry> out)
                throws SQLException {
            String leechersOnly = self.seeder() ? " AND left_bytes > 0" : "";
            // info_key leads the ORDER BY so that H2 sees the (info_key, sample_key) index gives the order and
            // reads only `count` entries; with ORDER BY sample_key alone it fetched and sorted half the swarm
            // (H2 2.3 EXPLAIN shows "index sorted" only with both columns). LIMIT stays a literal: as a parameter,
            // PostgreSQL planned the query without knowing it was small and ran 5x slower (JdbcAnnounceBenchmark).
            PreparedStatement p = prepare("SELECT " + PEER_COLUMNS + " FROM peers WHERE info_key = ? "
                    + "AND sample_key " + side + " ? AND NOT (host = ? AND port = ?)" + leechersOnly
                    + " ORDER BY info_key, sample_key LIMIT " + count);
            p.setString(1, key);
            p.setInt(2, pivot);
            p.setString(3, self.address().host());
            p.setInt(4, self.address().port());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(peerAt(r, 1));
                }
            }
        }

        /**
         * Writes a peer's row as it is now, without touching the torrent's counts (the write-behind store sets
         * those from its own view): an update, or an insert when the torrent has no peer at that address.
         */
        void upsertPeerRow(String key, PeerEntry peer) throws SQLException {
            Instant seen = peer.lastSeen();
            int sampleKey = ThreadLocalRandom.current().nextInt();
            // sample_key stays: the write-behind store samples from memory, and a key drawn once at random keeps
            // the write-through store's samples random (one index entry fewer to move per row).
            int updated = update("UPDATE peers SET info_hash = ?, peer_id = ?, left_bytes = ?, uploaded = ?, "
                    + "downloaded = ?, last_seen_seconds = ?, last_seen_nanos = ? "
                    + "WHERE info_key = ? AND host = ? AND port = ?", peer.infoHash().hex(),
                    HEX.formatHex(peer.peerId()), peer.left(), peer.uploaded(), peer.downloaded(),
                    seen.getEpochSecond(), seen.getNano(), key, peer.address().host(), peer.address().port());
            if (updated == 0) {
                update("INSERT INTO peers (info_key, host, port, info_hash, peer_id, left_bytes, uploaded, "
                        + "downloaded, last_seen_seconds, last_seen_nanos, sample_key) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        key, peer.address().host(), peer.address().port(), peer.infoHash().hex(),
                        HEX.formatHex(peer.peerId()), peer.left(), peer.uploaded(), peer.downloaded(),
                        seen.getEpochSecond(), seen.getNano(), sampleKey);
            }
        }

        /**
         * Replaces every peer row of a torrent with {@code peers} (one delete, then multi-row inserts of up to
         * {@link #PEER_ROWS_PER_INSERT} rows), without touching its counts: cheaper than a statement per peer
         * when most of a swarm changed (H2 2.3 gets slower at each update of an indexed table within one large
         * transaction).
         */
        void replacePeerRows(String key, List<PeerEntry> peers) throws SQLException {
            update("DELETE FROM peers WHERE info_key = ?", key);
            int at = 0;
            while (at < peers.size()) {
                int rows = peers.size() - at >= PEER_ROWS_PER_INSERT ? PEER_ROWS_PER_INSERT : 1;
                PreparedStatement p = prepare(INSERT_PEERS + String.join(", ", Collections.nCopies(rows, PEER_ROW)));
                for (int r = 0; r < rows; r++) {
                    PeerEntry peer = peers.get(at + r);
                    int o = r * 11;
                    p.setString(o + 1, key);
                    p.setString(o + 2, peer.address().host());
                    p.setInt(o + 3, peer.address().port());
                    p.setString(o + 4, peer.infoHash().hex());
                    p.setString(o + 5, HEX.formatHex(peer.peerId()));
                    p.setLong(o + 6, peer.left());
                    p.setLong(o + 7, peer.uploaded());
                    p.setLong(o + 8, peer.downloaded());
                    p.setLong(o + 9, peer.lastSeen().getEpochSecond());
                    p.setInt(o + 10, peer.lastSeen().getNano());
                    p.setInt(o + 11, ThreadLocalRandom.current().nextInt());
                }
                p.executeUpdate();
                at += rows;
            }
        }

        /** Deletes a peer's row, if any, without touching the torrent's counts. */
        void deletePeerRow(String key, TransportAddress address) throws SQLException {
            update("DELETE FROM peers WHERE info_key = ? AND host = ? AND port = ?", key, address.host(),
                    address.port());
        }

        Optional<SwarmCounts> counts(String key) throws SQLException {
            PreparedStatement p = prepare(
                "SELECT completed, seeders, leechers FROM torrents WHERE info_key = ?");
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(new SwarmCounts(r.getInt(2), r.getInt(3), r.getLong(1)))
                        : Optional.empty();
            }
        }

        void putRecord(TorrentRecord record) throws SQLException {
            String key = key(record.infoHash());
            ensureTorrent(key);
            update("UPDATE torrents SET info_hash = ?, name = ?, description = ?, size_bytes = ?, visibility = ?, "
                    + "added_seconds = ?, added_nanos = ?, search_text = ? WHERE info_key = ?",
                    record.infoHash().hex(), record.name(), record.description(), record.size(),
                    record.visibility().name(), record.added().getEpochSecond(), record.added().getNano(),
                    searchText(record), key);
            update("DELETE FROM torrent_tags WHERE info_key = ?", key);
            for (String tag : record.tags()) {
                update("INSERT INTO torrent_tags (info_key, tag) VALUES (?, ?)", key, tag);
            }
            update("DELETE FROM torrent_files WHERE info_key = ?", key);
            for (int i = 0; i < record.files().size(); i++) {
                update("INSERT INTO torrent_files (info_key, file_index, path) VALUES (?, ?, ?)", key, i,
                        record.files().get(i));
            }
        }

        /** Queues a change for this transaction's feed rows; returns its sequence number. */
        long append(Change.Kind kind, InfoHash hash, PeerEntry peer, TorrentRecord record) {
            feed.add(new FeedCodec.Pending(kind, hash, peer, record));
            return ++head;
        }

        /**
         * Queues one change per element of {@code changes}, in order, with the next sequence numbers (the
         * write-behind store appends thousands per flush). Returns the sequence number of the first.
         */
        long appendAll(List<? extends FeedCodec.Entry> changes) {
            long first = head + 1;
            feed.addAll(changes);
            head += changes.size();
            return first;
        }

        /**
         * Writes the changes appended in this transaction as {@code change_batches} rows of up to
         * {@link FeedCodec#MAX_CHANGES} (usually one row per transaction) just before it commits.
         */
        void writeFeed() throws SQLException {
            if (feed.isEmpty()) {
                return;
            }
            long seq = head - feed.size() + 1;
            try (FeedMigration.BatchWriter out = new FeedMigration.BatchWriter(c)) {
                for (FeedCodec.Entry e : feed) {
                    out.add(seq++, e);
                }
                out.finish();
            }
            feed.clear();
        }
    }

    /**
     * The {@code search_text} column of a record: all its tokens between single spaces, so that
     * {@code LIKE '% tok %'} finds the candidates in portable SQL; ranking is {@link SearchIndex}'s.
     */
    static String searchText(TorrentRecord record) {
        return " " + String.join(" ", SearchIndex.of(record).allTokens()) + " ";
    }
}
