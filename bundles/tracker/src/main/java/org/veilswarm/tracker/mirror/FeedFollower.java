package org.veilswarm.tracker.mirror;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.TransportAddress;

/**
 * The source side's one reader of its {@link TrackerStore}: follows the store's change feed and keeps
 * <ul>
 * <li>a compacted view (each torrent's record and current peers), which is what a snapshot is made of: the
 * {@code TrackerStore} SPI has no call that lists peers, and a view folded from the feed is by construction
 * the state at a known sequence number, which a snapshot must name;</li>
 * <li>the latest {@link FeedSettings#retention()} changes, from which change batches are cut.</li>
 * </ul>
 * Both advance together under one lock, so a snapshot at head {@code h} followed by the batch after {@code h}
 * never misses or repeats a change. Only this class touches the store (one thread, one query per poll
 * interval however many mirrors wait), so request threads never block on a JDBC store.
 *
 * <p>If the store's feed no longer reaches back to sequence 1 when following starts (a JDBC store past its
 * retention), or drops changes the follower has not read, the records are reloaded with
 * {@code search("", maxTorrents)} and peers are known again as they re-announce (within one announce
 * interval); the epoch changes so that mirrors take a new snapshot. If the store's sequence goes backwards, or
 * the change at the last sequence folded is no longer the one folded (a memory store restarted or swapped,
 * whose new sequence may already have passed the old head), the view starts again from nothing under a new
 * epoch.
 */
public final class FeedFollower implements AutoCloseable {
    private final Supplier<TrackerStore> stores;
    /** The store of the last poll; only the polling thread (under {@code tickLock}) uses it. */
    private TrackerStore store;
    private final FeedSettings settings;
    private final ScheduledExecutorService poller;
    private final Object tickLock = new Object();
    private final Object lock = new Object();
    private final Map<InfoHash, TorrentState> view = new HashMap<>();
    private final ArrayDeque<Change> recent = new ArrayDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private FeedEpoch epoch = FeedEpoch.random();
    private long applied;
    /** The change at {@code applied}; written under {@code lock}, read by the polling thread. */
    private volatile Change lastFolded;
    private boolean closed;
    private long lastPoll;
    private boolean polledOnce;
    private volatile String lastError;

    public FeedFollower(TrackerStore store, FeedSettings settings) {
        this(constant(Objects.requireNonNull(store, "store")), settings);
    }

    /**
     * A follower of whatever store {@code stores} returns at each poll (a store service that may be replaced at
     * run time). A different store than at the last poll is a different history: the view starts again under a
     * new epoch. While there is none ({@code null}) the view stays as it was.
     */
    public FeedFollower(Supplier<TrackerStore> stores, FeedSettings settings) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.poller = daemonScheduler("veilswarm-mirror-feed");
    }

    /**
     * Starts polling the store: every {@link FeedSettings#pollInterval()} while a mirror waits for a change, else
     * every {@link FeedSettings#idlePollInterval()}.
     */
    public FeedFollower start() {
        long nanos = settings.pollInterval().toNanos();
        poller.scheduleWithFixedDelay(this::pollQuietly, 0, nanos, TimeUnit.NANOSECONDS);
        return this;
    }

    /** The store error of the last poll, if it failed (the next poll retries). */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Whether {@link #close()} was called: the view no longer moves. */
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** The current epoch. */
    public FeedEpoch epoch() {
        synchronized (lock) {
            return epoch;
        }
    }

    /** The last store sequence number folded into the view. */
    public long head() {
        synchronized (lock) {
            return applied;
        }
    }

    private void pollQuietly() {
        boolean idle;
        synchronized (lock) {
            idle = waiters.isEmpty();
        }
        if (idle && polledOnce && System.nanoTime() - lastPoll < settings.idlePollInterval().toNanos()) {
            return;
        }
        polledOnce = true;
        lastPoll = System.nanoTime();
        try {
            poll();
            lastError = null;
        } catch (RuntimeException e) {
            // A store being replaced or a database gone: mirrors keep what they have, the next poll retries.
            lastError = e.toString();
        }
    }

    /** Reads the store's new changes now (the poller does this on its own; tests call it to be current). */
    public void poll() {
        synchronized (tickLock) {
            TrackerStore current = stores.get();
            if (current == null) {
                throw new IllegalStateException("no tracker store bound");
            }
            if (current != store) {
                if (store != null) {
                    restart(0);
                }
                store = current;
            }
            long storeHead = store.headSequence();
            if (storeHead < head()) {
                restart(0);
            }
            while (head() < storeHead) {
                long after = head();
                Change last = lastFolded;
                // Read from the last change already folded: seeing it again, unchanged, proves the store still
                // has the history the view was folded from. A replaced store whose new sequence has passed
                // the old head between two polls fails this check instead of being spliced on.
                List<Change> changes = store.changesSince(last == null ? after : after - 1, settings.readBatch() + 1);
                if (changes.isEmpty()) {
                    break;
                }
                Change first = changes.get(0);
                if (last != null) {
                    if (first.sequence() == after && first.equals(last)) {
                        changes = changes.subList(1, changes.size());
                    } else if (first.sequence() <= after) {
                        restart(0);
                        continue;
                    } else {
                        restartWithRecords(first.sequence() - 1);
                    }
                } else if (first.sequence() != after + 1) {
                    restartWithRecords(first.sequence() - 1);
                }
                if (changes.isEmpty()) {
                    break;
                }
                synchronized (lock) {
                    for (Change change : changes) {
                        fold(change);
                        recent.addLast(change);
                        applied = change.sequence();
                        lastFolded = change;
                    }
                    while (recent.size() > settings.retention()) {
                        recent.removeFirst();
                    }
                }
            }
            wakeWaiters();
        }
    }

    private void restart(long at) {
        synchronized (lock) {
            epoch = FeedEpoch.random();
            view.clear();
            recent.clear();
            applied = at;
            lastFolded = null;
        }
    }

    private static Supplier<TrackerStore> constant(TrackerStore store) {
        return () -> store;
    }

    /**
     * Starts a new epoch at {@code at} whose view holds the store's records (the feed no longer reaches back to
     * them). The store is read first, outside the lock (it may block); the new epoch and its records then appear
     * together, so no snapshot sees the new epoch with an empty view.
     */
    private void restartWithRecords(long at) {
        List<TorrentRecord> records = store.search("", settings.maxTorrents());
        synchronized (lock) {
            restart(at);
            for (TorrentRecord record : records) {
                TorrentState state = stateFor(record.infoHash());
                if (state != null) {
                    state.record = record;
                }
            }
        }
    }

    /** Folds one change into the view; the same semantics as the stores' own apply. Under {@code lock}. */
    private void fold(Change change) {
        InfoHash key = change.infoHash().truncated();
        switch (change.kind()) {
            case PEER_PUT -> {
                TorrentState state = stateFor(key);
                PeerEntry peer = change.peer().orElseThrow();
                if (state != null && (state.peers.containsKey(peer.address())
                        || state.peers.size() < settings.maxPeersPerTorrent())) {
                    state.peers.put(peer.address(), peer);
                }
            }
            case PEER_REMOVE -> {
                TorrentState state = view.get(key);
                if (state != null) {
                    state.peers.remove(change.peer().orElseThrow().address());
                    if (state.isEmpty()) {
                        view.remove(key);
                    }
                }
            }
            case TORRENT_PUT -> {
                TorrentState state = stateFor(key);
                if (state != null) {
                    state.record = change.torrent().orElseThrow();
                }
            }
            case TORRENT_REMOVE -> view.remove(key);
        }
    }

    private TorrentState stateFor(InfoHash hash) {
        InfoHash key = hash.truncated();
        TorrentState state = view.get(key);
        if (state == null && view.size() < settings.maxTorrents()) {
            state = new TorrentState();
            view.put(key, state);
        }
        return state;
    }

    /**
     * The view of the given torrents at the current head.
     *
     * @param maxPeers most peers per torrent
     */
    public MirrorSnapshot snapshot(Iterable<InfoHash> infoHashes, int maxPeers) {
        synchronized (lock) {
            List<MirroredTorrent> torrents = new ArrayList<>();
            for (InfoHash hash : infoHashes) {
                TorrentState state = view.get(hash.truncated());
                if (state == null) {
                    continue;
                }
                List<PeerEntry> peers = state.peers.values().stream().limit(maxPeers).toList();
                InfoHash named = state.record != null ? state.record.infoHash() : hash;
                torrents.add(new MirroredTorrent(named, Optional.ofNullable(state.record), peers));
            }
            return new MirrorSnapshot(epoch, applied, torrents);
        }
    }

    /**
     * The changes after {@code since} whose torrent is in scope, or empty if the mirror must take a new snapshot
     * (another epoch, a position ahead of the head, or changes it needs no longer kept).
     *
     * @param max most changes returned
     * @param maxScan most changes looked at (in scope or not), which bounds the work of one answer
     */
    public Optional<ChangeBatch> changes(FeedEpoch mirrorEpoch, long since, Predicate<InfoHash> inScope, int max,
            int maxScan) {
        synchronized (lock) {
            if (!epoch.equals(mirrorEpoch) || since > applied) {
                return Optional.empty();
            }
            long oldest = recent.isEmpty() ? applied + 1 : recent.peekFirst().sequence();
            if (since + 1 < oldest) {
                return Optional.empty();
            }
            List<Change> out = new ArrayList<>();
            long to = since;
            int scanned = 0;
            // Changes are contiguous: skip straight to the first one after since.
            Iterator<Change> it = recent.iterator();
            for (long skip = since + 1 - oldest; skip > 0; skip--) {
                it.next();
            }
            while (it.hasNext() && out.size() < max && scanned < maxScan) {
                Change change = it.next();
                scanned++;
                if (inScope.test(change.infoHash())) {
                    out.add(change);
                }
                to = change.sequence();
            }
            return Optional.of(new ChangeBatch(epoch, since, to, out));
        }
    }

    /** Completes once the head has moved past {@code sequence} or the epoch changed. */
    public CompletableFuture<Void> awaitBeyond(FeedEpoch mirrorEpoch, long sequence) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (lock) {
            if (closed || applied > sequence || !epoch.equals(mirrorEpoch)) {
                future.complete(null);
            } else {
                waiters.add(new Waiter(mirrorEpoch, sequence, future));
            }
        }
        return future;
    }

    private void wakeWaiters() {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (lock) {
            Iterator<Waiter> it = waiters.iterator();
            while (it.hasNext()) {
                Waiter w = it.next();
                if (w.future.isDone() || applied > w.sequence || !epoch.equals(w.epoch)) {
                    ready.add(w.future);
                    it.remove();
                }
            }
        }
        // Completed outside the lock: continuations build answers and must not run under it.
        ready.forEach(f -> f.complete(null));
    }

    @Override
    public void close() {
        poller.shutdown();
        List<Waiter> pending;
        synchronized (lock) {
            closed = true;
            pending = new ArrayList<>(waiters);
            waiters.clear();
        }
        pending.forEach(w -> w.future.complete(null));
    }

    /**
     * One daemon thread. Closing never interrupts it (an interrupt in the middle of a JDBC call can close an
     * H2 file under the store) and drops the tasks still scheduled.
     */
    static ScheduledExecutorService daemonScheduler(String name) {
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        return executor;
    }

    private record Waiter(FeedEpoch epoch, long sequence, CompletableFuture<Void> future) {
    }

    /** A torrent in the view. Guarded by {@code lock}. */
    private static final class TorrentState {
        TorrentRecord record;
        final LinkedHashMap<TransportAddress, PeerEntry> peers = new LinkedHashMap<>();

        boolean isEmpty() {
            return record == null && peers.isEmpty();
        }
    }
}
