package org.veilswarm.tracker.store.jdbc;

import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.CompactListBuilder;
import org.veilswarm.api.tracker.CompactPeer;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.TransportAddress;

/**
 * A {@link JdbcTrackerStore} with the peers held in memory as well: announces and scrapes are answered from
 * that view without a database round trip, and every change is queued and written to the database behind the
 * answer, in one transaction per {@link WriteBehindSettings#flushInterval()} (or sooner, see below).
 *
 * <p><b>The database stays the source of truth, within a bound.</b> The view is loaded from the database when
 * the store is created, and every mutation goes through it; a flush writes the queued changes in the order the
 * view made them (per torrent; torrents are independent), peer rows coalesced to their latest state (and not
 * rewritten for a re-announce that only moved the time, see {@link #ROW_REFRESH}), the torrent's counts as the
 * view had them, and every change in the feed with the next sequence numbers, exactly as the write-through store
 * would have (stored as one {@code change_batches} row per flush, {@link FeedCodec}). What a crash can lose is the queue: the announces of the last flush
 * interval (plus what the database itself had not written to disk). Peers re-announce within their interval,
 * so a lost announce costs nothing lasting; the file never holds half a flush. The queue is bounded: past a
 * tenth of {@link WriteBehindSettings#maxPendingWrites()} an announce wakes the flusher thread, which writes at
 * once (announcers never write, so announces never wait: {@link #announceMayBlock()} is false and the tracker
 * calls them on its event loops), and when the database fails for longer than
 * {@link WriteBehindSettings#maxLag()} or the queue is full, announces are refused with
 * {@link TrackerDatabaseException} (the tracker answers 503) instead of answering from a view the database may
 * never get.
 *
 * <p><b>What waits for the database</b>: records ({@link #putTorrent}, {@link #removeTorrent}), replicated
 * changes ({@link #apply}, which must return its sequence number) and expiry flush before they return, so they
 * are durable like in the write-through store. Reading the feed ({@link #headSequence}, {@link #changesSince})
 * flushes first, so a mirror never sees the feed behind an answered announce and mirroring latency does not
 * grow by the flush interval. Records and search are read from the database; scrape and statistics from the
 * view.
 *
 * <p><b>Only writer.</b> The view assumes no one else writes the peers of this database (true for an embedded
 * H2 file; for a PostgreSQL database shared by several trackers, use the write-through {@link JdbcTrackerStore}).
 *
 * <p>Concurrency: one lock per torrent guards its peers and its queued changes (announces of different torrents
 * never meet); flushes are serialised by one lock and never hold a torrent's lock while talking to the database.
 * Memory: every peer is held in memory (about 300 bytes each), like the memory store.
 */
public final class WriteBehindTrackerStore implements TrackerStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.tracker.store.jdbc");

    private final JdbcTrackerStore db;
    private final JdbcStoreLimits limits;
    private final WriteBehindSettings settings;
    private final ConcurrentHashMap<String, Swarm> swarms = new ConcurrentHashMap<>();
    /** Torrents with queued writes, each at most once (its {@code queued} flag), in the order they got one. */
    private final ConcurrentLinkedQueue<Swarm> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong completedTotal = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private final ReentrantLock flushLock = new ReentrantLock();
    /** Whether an announcer has asked the flusher thread for a flush that has not started yet. */
    private final java.util.concurrent.atomic.AtomicBoolean flushWanted = new java.util.concurrent.atomic.AtomicBoolean();
    private final ScheduledExecutorService flusher;
    /** {@link System#nanoTime()} when the oldest queued write was queued, or 0 if none is queued. */
    private volatile long pendingSinceNanos;
    private volatile boolean closed;

    /**
     * Loads the view from the store's database and starts the flusher thread.
     *
     * @throws TrackerDatabaseException if the database cannot be read
     */
    public WriteBehindTrackerStore(JdbcTrackerStore db, WriteBehindSettings settings) {
        this.db = Objects.requireNonNull(db, "db");
        this.limits = db.limits();
        this.settings = Objects.requireNonNull(settings, "settings");
        load();
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veilswarm-tracker-store-flush");
            t.setDaemon(true);
            return t;
        });
        long period = settings.flushInterval().toNanos();
        flusher.scheduleWithFixedDelay(this::flushQuietly, period, period, TimeUnit.NANOSECONDS);
    }

    public WriteBehindSettings settings() {
        return settings;
    }

    @Override
    public AnnounceResult announce(Announce announce) {
        return record(announce, (s, slots, counts) -> new AnnounceResult(s.peersAt(slots), counts));
    }

    /** {@link #announce}, the peers copied from the compact entries each peer got when it first announced. */
    @Override
    public CompactAnnounceResult announceCompact(Announce announce) {
        return record(announce, (s, slots, counts) -> s.compactAt(slots, counts));
    }

    /**
     * Never: announces and scrapes are answered from the view; a long queue wakes the flusher thread instead of
     * being written by the announcer, and a full one refuses announces at once.
     */
    @Override
    public boolean announceMayBlock() {
        return false;
    }

    /** How an announce's answer is built from the chosen peers' slots; runs under the torrent's lock. */
    private interface Answer<T> {
        T build(Swarm swarm, int[] slots, SwarmCounts counts);
    }

    private static final int[] NO_SLOTS = new int[0];
    /**
     * How far a peer's row may lag its last-seen time: a re-announce that changes nothing else writes a feed
     * change but no row until its time is this much later than the row's. After a crash a peer may therefore
     * expire this much earlier than the view would have expired it (it re-announces); a clean stop writes
     * every row exactly ({@link #close}).
     */
    static final java.time.Duration ROW_REFRESH = java.time.Duration.ofSeconds(60);
    private static final long ROW_REFRESH_NANOS = ROW_REFRESH.toNanos();

    private <T> T record(Announce announce, Answer<T> answer) {
        Objects.requireNonNull(announce, "announce");
        admit();
        PeerEntry peer = announce.peer();
        String key = JdbcTrackerStore.key(peer.infoHash());
        if (announce.event() == AnnounceEvent.STOPPED) {
            while (true) {
                Swarm s = swarms.get(key);
                if (s == null) {
                    return answer.build(Swarm.EMPTY, NO_SLOTS, new SwarmCounts(0, 0, 0));
                }
                synchronized (s) {
                    if (s.detached) {
                        continue;
                    }
                    boolean removed = s.remove(peer.address()) != null;
                    // The counts as they are with the peer gone, before an emptied torrent forgets its counter.
                    SwarmCounts counts = s.counts();
                    if (removed) {
                        queue(s, Write.change(Change.Kind.PEER_REMOVE, peer.infoHash(), peer, null, true));
                    }
                    return answer.build(s, NO_SLOTS, counts);
                }
            }
        }
        int wanted = Math.min(announce.numWant(), limits.maxNumWant());
        T result = answer(key, peer, announce.event(), wanted, answer);
        if (pending.get() >= settings.maxPendingWrites() / 10 && !flushWanted.getAndSet(true)) {
            // A long queue: the flusher writes it now rather than at its next interval, and again as long as it
            // stays long. The announcer does not write it itself, so that announces never wait for the database
            // (the tracker calls this store on its event loops); if the database does not keep up, the queue
            // fills and admit() refuses announces (503, announce again later) until it has room.
            try {
                flusher.execute(this::flushWanted);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                flushWanted.set(false);
            }
        }
        return result;
    }

    private <T> T answer(String key, PeerEntry peer, AnnounceEvent event, int wanted, Answer<T> answer) {
        while (true) {
            Swarm s = swarms.computeIfAbsent(key, Swarm::new);
            synchronized (s) {
                if (s.detached) {
                    continue;
                }
                if (event == AnnounceEvent.COMPLETED) {
                    s.completed++;
                    s.completedDelta++;
                    completedTotal.incrementAndGet();
                }
                int put = s.put(peer, limits.maxPeersPerTorrent());
                if (put != Swarm.REFUSED) {
                    queue(s, new Write(Change.Kind.PEER_PUT, peer.infoHash(), peer, null, true, put == Swarm.ROW,
                            true));
                } else if (event == AnnounceEvent.COMPLETED) {
                    queue(s, null); // a completion by a peer the full torrent could not take: the count only
                }
                return answer.build(s, s.sample(peer, wanted), s.counts());
            }
        }
    }

    @Override
    public Map<InfoHash, SwarmCounts> scrape(Collection<InfoHash> infoHashes) {
        Map<InfoHash, SwarmCounts> out = new LinkedHashMap<>();
        for (InfoHash hash : infoHashes) {
            Swarm s = swarms.get(JdbcTrackerStore.key(hash));
            if (s != null) {
                synchronized (s) {
                    if (s.exists()) {
                        out.put(hash, s.counts());
                    }
                }
            }
        }
        return out;
    }

    /** Removes the peers the view last saw before {@code cutoff}, writes that, then trims the feed. */
    @Override
    public int expirePeers(Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        int removed = 0;
        for (Swarm s : swarms.values()) {
            synchronized (s) {
                if (s.detached) {
                    continue;
                }
                for (PeerEntry old : s.expire(cutoff)) {
                    queue(s, Write.change(Change.Kind.PEER_REMOVE, old.infoHash(), old, null, true));
                    removed++;
                }
            }
        }
        flush();
        // Not db.expirePeers(cutoff): the rows' last-seen times may lag the view's (ROW_REFRESH), and a peer the
        // view keeps must keep its row. The flush removed the expired ones; this trims torrents and the feed.
        db.trimAfterExpiry();
        return removed;
    }

    @Override
    public void putTorrent(TorrentRecord record) {
        Objects.requireNonNull(record, "record");
        Write w = mutate(JdbcTrackerStore.key(record.infoHash()), s -> {
            s.record = true;
            return Write.change(Change.Kind.TORRENT_PUT, record.infoHash(), null, record, true);
        });
        awaitWritten(w);
    }

    @Override
    public Optional<TorrentRecord> torrent(InfoHash infoHash) {
        return db.torrent(infoHash);
    }

    @Override
    public boolean removeTorrent(InfoHash infoHash) {
        Objects.requireNonNull(infoHash, "infoHash");
        String key = JdbcTrackerStore.key(infoHash);
        while (true) {
            Swarm s = swarms.get(key);
            if (s == null) {
                return false;
            }
            Write w;
            synchronized (s) {
                if (s.detached) {
                    continue;
                }
                if (!s.exists()) {
                    return false;
                }
                s.clear();
                w = Write.change(Change.Kind.TORRENT_REMOVE, infoHash, null, null, true);
                queue(s, w);
                detach(s);
            }
            awaitWritten(w);
            return true;
        }
    }

    @Override
    public List<TorrentRecord> search(String query, int limit) {
        return db.search(query, limit);
    }

    @Override
    public TrackerStatistics statistics() {
        long torrents = 0;
        long seeders = 0;
        long leechers = 0;
        for (Swarm s : swarms.values()) {
            synchronized (s) {
                if (!s.detached && s.exists()) {
                    torrents++;
                    seeders += s.seeders;
                    leechers += s.peers.size() - s.seeders;
                }
            }
        }
        return new TrackerStatistics(torrents, seeders, leechers, completedTotal.get());
    }

    @Override
    public long headSequence() {
        flush();
        return db.headSequence();
    }

    @Override
    public List<Change> changesSince(long afterSequence, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max cannot be negative: " + max);
        }
        flush();
        return db.changesSince(afterSequence, max);
    }

    @Override
    public long apply(Change change) {
        Objects.requireNonNull(change, "change");
        Write w = mutate(JdbcTrackerStore.key(change.infoHash()), s -> {
            boolean recorded = true;
            switch (change.kind()) {
                case PEER_PUT -> recorded = s.put(change.peer().orElseThrow(), limits.maxPeersPerTorrent())
                        != Swarm.REFUSED;
                case PEER_REMOVE -> s.remove(change.peer().orElseThrow().address());
                case TORRENT_PUT -> s.record = true;
                case TORRENT_REMOVE -> s.clear();
            }
            // Logged whether or not it altered anything, so that a mirror of this mirror sees the same operations.
            return Write.change(change.kind(), change.infoHash(), change.peer().orElse(null),
                    change.torrent().orElse(null), recorded);
        });
        return awaitWritten(w);
    }

    /**
     * Writes every queued change to the database, in one transaction, and returns when it has committed.
     *
     * @throws TrackerDatabaseException if the transaction failed (the writes stay queued and are tried again)
     */
    public void flush() {
        flushLock.lock();
        try {
            flushLocked();
        } finally {
            flushLock.unlock();
        }
    }

    /** Writes queued now (for tests and benchmarks). */
    int pendingWrites() {
        return pending.get();
    }

    /** Flush transactions committed so far (for tests and benchmarks). */
    public long flushes() {
        return flushes.get();
    }

    /** Stops the flusher and writes what is queued; the database stays open (its owner closes it). */
    @Override
    public void close() {
        closed = true;
        // Not shutdownNow: an interrupt during H2's file I/O closes its FileChannel and breaks the database.
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A clean stop leaves every row exact, last-seen times included (flushes may have let them lag).
        for (Swarm s : swarms.values()) {
            synchronized (s) {
                if (!s.detached) {
                    for (PeerEntry stale : s.staleRows()) {
                        queue(s, new Write(Change.Kind.PEER_PUT, stale.infoHash(), stale, null, true, true, false));
                    }
                }
            }
        }
        flush();
    }

    private void admit() {
        if (closed) {
            throw new TrackerDatabaseException("tracker store is closed");
        }
        int queued = pending.get();
        if (queued >= settings.maxPendingWrites()) {
            throw new TrackerDatabaseException("tracker store: " + queued + " writes are waiting for the database");
        }
        long since = pendingSinceNanos;
        if (since != 0 && System.nanoTime() - since > settings.maxLag().toNanos()) {
            throw new TrackerDatabaseException("tracker store: the database has taken no writes for more than "
                    + settings.maxLag().toMillis() + " ms");
        }
    }

    /**
     * Runs {@code change} on the torrent's view under its lock and queues the write it returns, creating the
     * torrent if needed (a torrent left without record or peers is forgotten at its next flush).
     */
    private Write mutate(String key, Function<Swarm, Write> change) {
        admitWrite();
        while (true) {
            Swarm s = swarms.computeIfAbsent(key, Swarm::new);
            synchronized (s) {
                if (s.detached) {
                    continue;
                }
                Write w = change.apply(s);
                queue(s, w);
                return w;
            }
        }
    }

    private void admitWrite() {
        if (closed) {
            throw new TrackerDatabaseException("tracker store is closed");
        }
    }

    /** Flushes until {@code w} is in the database; returns its sequence number. */
    private long awaitWritten(Write w) {
        // A flush may stop before taking every torrent (its write cap, or a torrent queued twice meanwhile);
        // each one takes at least one, so this ends. A failed flush throws, with the write still queued.
        while (w.sequence == 0) {
            flush();
        }
        return w.sequence;
    }

    /** Queues {@code w} (null: only the torrent's counts changed) on {@code s}; the caller holds its lock. */
    private void queue(Swarm s, Write w) {
        if (s.peers.isEmpty() && !s.record) {
            // A torrent without record or peers is forgotten with its download counter (the stores' rule).
            s.completed = 0;
        }
        if (w != null) {
            s.writes.add(w);
            if (pending.getAndIncrement() == 0 && pendingSinceNanos == 0) {
                pendingSinceNanos = System.nanoTime();
            }
        }
        if (!s.queued) {
            s.queued = true;
            dirty.add(s);
        }
    }

    /** Takes {@code s} out of the map; the caller holds its lock. Its queued writes are still flushed. */
    private void detach(Swarm s) {
        s.detached = true;
        swarms.remove(s.key, s);
    }

    private void flushWanted() {
        flushWanted.set(false);
        flushQuietly();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "tracker store: writing queued announces failed, retrying in "
                    + settings.flushInterval().toMillis() + " ms: " + e.getMessage());
        }
    }

    private void flushLocked() {
        long started = System.nanoTime();
        List<Batch> batches = new ArrayList<>();
        int writes = 0;
        for (Swarm s; writes < settings.maxPendingWrites() && (s = dirty.poll()) != null;) {
            synchronized (s) {
                s.queued = false;
                batches.add(new Batch(s, s.writes, s.completedDelta, s.completed, s.seeders,
                        s.peers.size() - s.seeders, !s.exists(), rewrites(s) ? List.copyOf(s.peers) : null));
                writes += s.writes.size();
                s.writes = new ArrayList<>(Math.max(10, s.writes.size())); // about as many by the next flush
                s.completedDelta = 0;
                if (s.takenBy == started) {
                    break; // queued again while this flush ran: the rest waits for the next flush
                }
                s.takenBy = started;
            }
        }
        if (batches.isEmpty()) {
            return;
        }
        long[] sequences;
        try {
            sequences = db.write("write queued announces", tx -> {
                List<Write> feed = new ArrayList<>(batchWrites(batches));
                for (Batch b : batches) {
                    writeBatch(tx, b, feed);
                }
                // The feed has no tie to the other rows: all of it at the end, in the order of the writes.
                long first = tx.appendAll(feed);
                long[] out = new long[feed.size()];
                for (int k = 0; k < out.length; k++) {
                    out[k] = first + k;
                }
                return out;
            });
        } catch (RuntimeException e) {
            for (int i = batches.size() - 1; i >= 0; i--) {
                restore(batches.get(i));
            }
            throw e;
        }
        int i = 0;
        for (Batch b : batches) {
            for (Write w : b.writes()) {
                if (w.feed) {
                    w.sequence = sequences[i++];
                }
            }
            if (b.forget()) {
                Swarm s = b.swarm();
                synchronized (s) {
                    if (!s.detached && !s.exists() && s.writes.isEmpty()) {
                        detach(s);
                    }
                }
            }
        }
        pending.addAndGet(-writes);
        pendingSinceNanos = pending.get() > 0 ? started : 0;
        flushes.incrementAndGet();
    }

    /**
     * Whether a flush writes all of a torrent's peer rows anew rather than row by row: when its queued writes
     * number a quarter of its peers or more (a busy swarm), and touch no record (those keep their order).
     */
    private static boolean rewrites(Swarm s) {
        if (s.writes.size() < 64) {
            return false;
        }
        int rows = 0;
        for (Write w : s.writes) {
            if (w.kind == Change.Kind.TORRENT_PUT || w.kind == Change.Kind.TORRENT_REMOVE) {
                return false;
            }
            rows += w.row || w.kind == Change.Kind.PEER_REMOVE ? 1 : 0;
        }
        return rows >= 64 && rows >= s.peers.size() / 4;
    }

    private static int batchWrites(List<Batch> batches) {
        int n = 0;
        for (Batch b : batches) {
            n += b.writes().size();
        }
        return n;
    }

    /**
     * One torrent's queued writes, in order: peer rows coalesced to their latest state (a record write or a
     * removal of the torrent first writes the peer rows before it; a put that changed only the last-seen time
     * writes no row, see {@link Swarm#put}), then the counts; every write that is a change goes to {@code feed}.
     */
    private static void writeBatch(JdbcTrackerStore.Tx tx, Batch b, List<Write> feed)
            throws java.sql.SQLException {
        String key = b.swarm().key;
        if (b.peers() != null) {
            // A busy swarm: its rows as the view had them when the flush took its writes.
            if (!b.peers().isEmpty()) {
                tx.ensureTorrent(key);
            }
            tx.replacePeerRows(key, b.peers());
            for (Write w : b.writes()) {
                if (w.feed) {
                    feed.add(w);
                }
            }
            writeCounts(tx, b, key);
            return;
        }
        Map<TransportAddress, Write> rows = new LinkedHashMap<>();
        for (Write w : b.writes()) {
            switch (w.kind) {
                case PEER_PUT -> {
                    if (w.row) {
                        rows.put(w.peer.address(), w);
                    }
                }
                case PEER_REMOVE -> rows.put(w.peer.address(), w);
                case TORRENT_PUT -> {
                    writeRows(tx, key, rows);
                    tx.putRecord(w.record);
                }
                case TORRENT_REMOVE -> {
                    rows.clear();
                    tx.update("DELETE FROM peers WHERE info_key = ?", key);
                    tx.update("DELETE FROM torrents WHERE info_key = ?", key);
                }
            }
            if (w.feed) {
                feed.add(w);
            }
        }
        writeRows(tx, key, rows);
        writeCounts(tx, b, key);
    }

    private static void writeCounts(JdbcTrackerStore.Tx tx, Batch b, String key) throws java.sql.SQLException {
        tx.update("UPDATE torrents SET seeders = ?, leechers = ?, completed = ? WHERE info_key = ?", b.seeders(),
                b.leechers(), b.completed(), key);
        if (b.completedDelta() != 0) {
            tx.update("UPDATE counters SET amount = amount + ? WHERE name = 'completed'", b.completedDelta());
        }
        if (b.forget()) {
            tx.update("DELETE FROM torrents WHERE info_key = ? AND info_hash IS NULL AND seeders = 0 AND leechers = 0",
                    key);
        }
    }

    private static void writeRows(JdbcTrackerStore.Tx tx, String key, Map<TransportAddress, Write> rows)
            throws java.sql.SQLException {
        boolean torrentRow = false;
        for (Write w : rows.values()) {
            if (w.kind == Change.Kind.PEER_PUT) {
                if (!torrentRow) {
                    tx.ensureTorrent(key);
                    torrentRow = true;
                }
                tx.upsertPeerRow(key, w.peer);
            } else {
                tx.deletePeerRow(key, w.peer.address());
            }
        }
        rows.clear();
    }

    /** Puts a failed flush's writes back in front of those queued since, so that their order is kept. */
    private void restore(Batch b) {
        Swarm s = b.swarm();
        synchronized (s) {
            List<Write> newer = s.writes;
            s.writes = new ArrayList<>(b.writes());
            s.writes.addAll(newer);
            s.completedDelta += b.completedDelta();
            s.takenBy = 0;
            if (!s.queued) {
                s.queued = true;
                dirty.add(s);
            }
        }
    }

    private void load() {
        db.read("load peers", c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT info_key, CASE WHEN info_hash IS NULL THEN 0 ELSE 1 "
                    + "END, completed FROM torrents"); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    Swarm s = new Swarm(r.getString(1));
                    s.record = r.getInt(2) == 1;
                    s.completed = r.getLong(3);
                    swarms.put(s.key, s);
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT info_key, " + JdbcTrackerStore.PEER_COLUMNS
                    + " FROM peers"); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    swarms.computeIfAbsent(r.getString(1), Swarm::new).put(JdbcTrackerStore.peerAt(r, 2),
                            Integer.MAX_VALUE); // its row: the one just read
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT amount FROM counters WHERE name = 'completed'");
                    ResultSet r = p.executeQuery()) {
                completedTotal.set(r.next() ? r.getLong(1) : 0);
            }
            return null;
        });
    }

    /**
     * A change the view made and the database has not yet got: a feed entry, a peer row to write, or both.
     */
    private static final class Write implements FeedCodec.Entry {
        final Change.Kind kind;
        final InfoHash hash;
        final PeerEntry peer;
        final TorrentRecord record;
        /** For {@code PEER_PUT}: whether the peer's row is written (false: a full torrent refused the peer, or only
         * its last-seen time changed, within {@link #ROW_REFRESH} of its row's). */
        final boolean row;
        /** Whether it is a change of the feed (false: a row refreshed at a clean stop). */
        final boolean feed;
        /** The feed sequence number, set once the write has committed. */
        volatile long sequence;

        /**
         * @param recorded for {@code PEER_PUT}: whether the peer has a row (false: a full torrent refused it; the
         *                 change is still logged, as {@link #apply} promises)
         * @param row      for {@code PEER_PUT}: whether its row is written by this write
         */
        Write(Change.Kind kind, InfoHash hash, PeerEntry peer, TorrentRecord record, boolean recorded, boolean row,
                boolean feed) {
            this.kind = kind;
            this.hash = hash;
            this.peer = peer;
            this.record = record;
            this.row = recorded && row;
            this.feed = feed;
        }

        /** A change of the feed that writes the peer's row if it is a recorded {@code PEER_PUT}. */
        static Write change(Change.Kind kind, InfoHash hash, PeerEntry peer, TorrentRecord record, boolean recorded) {
            return new Write(kind, hash, peer, record, recorded, true, true);
        }

        @Override
        public Change.Kind kind() {
            return kind;
        }

        @Override
        public InfoHash hash() {
            return hash;
        }

        @Override
        public PeerEntry peer() {
            return peer;
        }

        @Override
        public TorrentRecord record() {
            return record;
        }
    }

    /**
     * What one flush takes from one torrent: its writes and its counts at that moment, and its peers then if the
     * flush rewrites all its rows ({@link #rewrites}; null otherwise).
     */
    private record Batch(Swarm swarm, List<Write> writes, long completedDelta, long completed, int seeders,
            int leechers, boolean forget, List<PeerEntry> peers) {
    }

    /**
     * One torrent in the view: its peers in an array list with an address index (a random peer is one array
     * access, a removal swaps with the last), counts, and the writes queued for the database. Guarded by its own
     * monitor.
     */
    private static final class Swarm {
        /** Stands in for a torrent that does not exist, to build an empty answer. */
        static final Swarm EMPTY = new Swarm("");
        final String key;
        final ArrayList<PeerEntry> peers = new ArrayList<>();
        /** Each peer's {@link CompactPeer} entry, in the same slot: an address's entry never changes. */
        final ArrayList<byte[]> compact = new ArrayList<>();
        /**
         * Each peer as its database row is once the queued writes are written, in the same slot: the same object
         * as in {@link #peers} unless re-announces changed only the last-seen time since (see {@link #put}).
         */
        final ArrayList<PeerEntry> rows = new ArrayList<>();
        final HashMap<TransportAddress, Integer> index = new HashMap<>();
        /** Which slots hold a seeder: a seeder's {@link #sample} reads a bit per slot it visits, not the entry. */
        final BitSet seederSlots = new BitSet();
        int seeders;
        long completed;
        boolean record;
        /** Out of the map: a new announce creates a new torrent object. */
        boolean detached;
        List<Write> writes = new ArrayList<>();
        long completedDelta;
        /** Whether it is in the dirty queue. */
        boolean queued;
        /** The flush that took its writes last (its start time), to stop a flush taking the same torrent twice. */
        long takenBy;

        Swarm(String key) {
            this.key = key;
        }

        boolean exists() {
            return record || !peers.isEmpty();
        }

        SwarmCounts counts() {
            return new SwarmCounts(seeders, peers.size() - seeders, completed);
        }

        /** {@link #put}: the torrent is full and the peer is new. */
        static final int REFUSED = 0;
        /** {@link #put}: the peer's row must be written. */
        static final int ROW = 1;
        /** {@link #put}: only the last-seen time changed, by less than {@link #ROW_REFRESH} since its row's. */
        static final int FEED_ONLY = 2;

        /**
         * Adds or updates a peer: {@link #REFUSED}, {@link #ROW} or {@link #FEED_ONLY}. A periodic re-announce
         * that changes nothing but the time need not rewrite the row at every flush: the row's last-seen time is
         * only used to expire peers after a restart, so it may lag by {@link #ROW_REFRESH}.
         */
        int put(PeerEntry peer, int maxPeers) {
            Integer at = index.get(peer.address());
            if (at == null) {
                if (peers.size() >= maxPeers) {
                    return REFUSED;
                }
                index.put(peer.address(), peers.size());
                peers.add(peer);
                compact.add(CompactPeer.of(peer.address()));
                rows.add(peer);
                seederSlots.set(peers.size() - 1, peer.seeder());
                seeders += peer.seeder() ? 1 : 0;
                return ROW;
            }
            int slot = at;
            PeerEntry previous = peers.set(slot, peer);
            seederSlots.set(slot, peer.seeder());
            seeders += (peer.seeder() ? 1 : 0) - (previous.seeder() ? 1 : 0);
            if (onlyLaterBy(rows.get(slot), peer, ROW_REFRESH_NANOS)) {
                return FEED_ONLY;
            }
            rows.set(slot, peer);
            return ROW;
        }

        /** Whether {@code now} differs from {@code row} only in a last-seen time less than {@code nanos} later. */
        private static boolean onlyLaterBy(PeerEntry row, PeerEntry now, long nanos) {
            if (row.left() != now.left() || row.uploaded() != now.uploaded() || row.downloaded() != now.downloaded()
                    || !row.infoHash().equals(now.infoHash())
                    || !java.util.Arrays.equals(row.peerId(), now.peerId())) {
                return false;
            }
            long seconds = now.lastSeen().getEpochSecond() - row.lastSeen().getEpochSecond();
            if (seconds < 0 || seconds > nanos / 1_000_000_000L + 1) {
                return false;
            }
            long later = seconds * 1_000_000_000L + now.lastSeen().getNano() - row.lastSeen().getNano();
            return later >= 0 && later < nanos;
        }

        /** The peers whose rows lag them (re-announced with only a later last-seen time); their rows become them. */
        List<PeerEntry> staleRows() {
            List<PeerEntry> out = new ArrayList<>();
            for (int i = 0; i < peers.size(); i++) {
                if (rows.get(i) != peers.get(i)) {
                    out.add(peers.get(i));
                    rows.set(i, peers.get(i));
                }
            }
            return out;
        }

        PeerEntry remove(TransportAddress address) {
            Integer at = index.remove(address);
            if (at == null) {
                return null;
            }
            PeerEntry removed = peers.get(at);
            PeerEntry last = peers.remove(peers.size() - 1);
            byte[] lastCompact = compact.remove(compact.size() - 1);
            PeerEntry lastRow = rows.remove(rows.size() - 1);
            seederSlots.clear(peers.size());
            if (at < peers.size()) {
                peers.set(at, last);
                seederSlots.set(at, last.seeder());
                compact.set(at, lastCompact);
                rows.set(at, lastRow);
                index.put(last.address(), at);
            }
            seeders -= removed.seeder() ? 1 : 0;
            return removed;
        }

        void clear() {
            peers.clear();
            compact.clear();
            rows.clear();
            index.clear();
            seederSlots.clear();
            seeders = 0;
            completed = 0;
            record = false;
        }

        List<PeerEntry> expire(Instant cutoff) {
            List<PeerEntry> old = new ArrayList<>();
            for (PeerEntry peer : peers) {
                if (peer.lastSeen().isBefore(cutoff)) {
                    old.add(peer);
                }
            }
            old.forEach(p -> remove(p.address()));
            return old;
        }

        /**
         * Up to {@code count} distinct peers other than {@code self}, leechers only for a seeder: the slots are
         * visited from a random start with a random step coprime to the number of peers (a random permutation's
         * worth of spread at the cost of one pass that usually stops after {@code count} slots).
         */
        int[] sample(PeerEntry self, int count) {
            int n = peers.size();
            if (count <= 0 || n == 0) {
                return NO_SLOTS;
            }
            Integer own = index.get(self.address());
            int selfSlot = own == null ? -1 : own;
            boolean leechersOnly = self.seeder();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int step = 1;
            if (n > 2) {
                do {
                    step = 1 + random.nextInt(n - 1);
                } while (gcd(step, n) != 1);
            }
            int[] out = new int[Math.min(count, n)];
            int found = 0;
            int slot = random.nextInt(n);
            for (int visited = 0; visited < n && found < out.length; visited++) {
                if (slot != selfSlot && !(leechersOnly && seederSlots.get(slot))) {
                    out[found++] = slot;
                }
                slot += step;
                if (slot >= n) {
                    slot -= n;
                }
            }
            return found == out.length ? out : java.util.Arrays.copyOf(out, found);
        }

        List<PeerEntry> peersAt(int[] slots) {
            List<PeerEntry> out = new ArrayList<>(slots.length);
            for (int slot : slots) {
                out.add(peers.get(slot));
            }
            return out;
        }

        CompactAnnounceResult compactAt(int[] slots, SwarmCounts counts) {
            CompactListBuilder out = new CompactListBuilder(slots.length);
            for (int slot : slots) {
                out.add(compact.get(slot));
            }
            return out.build(counts);
        }

        private static int gcd(int a, int b) {
            while (b != 0) {
                int t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }
}
