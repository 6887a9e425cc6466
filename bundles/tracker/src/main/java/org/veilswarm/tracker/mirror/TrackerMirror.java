package org.veilswarm.tracker.mirror;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.veilswarm.api.node.NodeIdentity;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.tracker.protocol.StreamConnector;
import org.veilswarm.tracker.protocol.TrackedShare;

/**
 * Node B's copy of one share of node A's tracker, kept in B's own {@link TrackerStore} so that B answers
 * announces and scrapes for it as its own tracker, also once A is gone (peers then expire on B as usual).
 *
 * <p>Cycle: with no position, take a signed snapshot and apply it; then long-poll the change feed from the
 * position, apply each verified batch, save the position ({@link MirrorCursorFile}), poll again at once. An
 * answer is verified against the key inside A's onion address and decoded completely before anything is
 * applied, so a refused answer (bad signature, garbage, oversized, stalled, another position or share)
 * changes nothing in the store; the mirror backs off (doubling, with jitter) and asks again. When A says the
 * position is gone (410: A restarted under a new epoch, or dropped the changes), the mirror takes a new
 * snapshot; torrents of the old copy that the new snapshot lacks are removed, peers of torrents still present
 * are updated and the others expire.
 *
 * <p>A saved position is trusted only once the store shows that it holds the copies: a node on the memory
 * store starts again with an empty one, and a node whose database was deleted too, while the cursor files on
 * disk say where the copies stood. Following the feed from there would never bring back what is missing (the
 * source sends only what changes), so such a mirror takes a new snapshot instead.
 *
 * <p>All work runs on one thread of the mirror's own, so store calls may block (JDBC).
 */
public final class TrackerMirror implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final System.Logger LOG = System.getLogger("org.veilswarm.tracker");

    private final MirrorLink link;
    private final TrackerStore store;
    private final NodeIdentity verifier;
    private final MirrorCursorFile cursorFile;
    private final MirrorSettings settings;
    private final MirrorHttpClient http;
    private final MirrorCodec codec;
    private final ScheduledExecutorService worker;
    private final Consumer<TrackedShare> onTorrents;
    private final SwarmGuard guard;
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile MirrorCursor cursor;
    private volatile String lastError;
    private volatile java.time.Instant lastContact;
    private volatile boolean closed;
    private Duration backoff;
    /** Whether the saved position was checked against the store; touched on the worker thread only. */
    private boolean positionChecked;

    /** How many of a saved position's torrents the check asks the store about (the first ones of the set). */
    static final int POSITION_CHECK_SAMPLE = 32;

    /**
     * @param verifier verifies Ed25519 signatures (B's node identity service does, for any key)
     * @param onTorrents told the share's torrents (on the mirror thread) after every change to the set, so that
     *                   the tracker accepts announces for them under the share's token
     * @throws IOException if the saved cursor cannot be read
     */
    public TrackerMirror(MirrorLink link, StreamConnector connector, TrackerStore store, NodeIdentity verifier,
            MirrorCursorFile cursorFile, MirrorSettings settings, Consumer<TrackedShare> onTorrents)
            throws IOException {
        this(link, connector, store, verifier, cursorFile, settings, SwarmGuard.soleWriter(), onTorrents);
    }

    /**
     * @param guard the swarms of B's store this mirror may write (see {@link SwarmGuard}); a snapshot or batch
     *              naming another share's info-hash is refused whole
     */
    public TrackerMirror(MirrorLink link, StreamConnector connector, TrackerStore store, NodeIdentity verifier,
            MirrorCursorFile cursorFile, MirrorSettings settings, SwarmGuard guard, Consumer<TrackedShare> onTorrents)
            throws IOException {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.link = Objects.requireNonNull(link, "link");
        this.store = Objects.requireNonNull(store, "store");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.cursorFile = Objects.requireNonNull(cursorFile, "cursorFile");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.onTorrents = Objects.requireNonNull(onTorrents, "onTorrents");
        this.http = new MirrorHttpClient(connector);
        this.codec = new MirrorCodec(settings.limits());
        this.cursor = cursorFile.load();
        this.backoff = settings.minBackoff();
        this.worker = FeedFollower.daemonScheduler("veilswarm-mirror");
    }

    /** Starts following; the share's current torrents (from the saved cursor) are reported first. */
    public TrackerMirror start() {
        worker.execute(() -> {
            try {
                guard.claim(cursor.torrents());
            } catch (MirrorException e) {
                // Another share took one of these swarms while the mirror was stopped: serve none of the saved
                // torrents, and let a snapshot (checked like any) decide again.
                lastError = e.getMessage(); // before the count: whoever sees the count sees the error
                rejected.incrementAndGet();
                cursor = MirrorCursor.EMPTY;
            }
            onTorrents.accept(trackedShare());
            step();
        });
        return this;
    }

    public MirrorLink link() {
        return link;
    }

    /** The share as B's tracker should serve it: the link's visibility and the mirrored torrents. */
    public TrackedShare trackedShare() {
        return new TrackedShare(link.visibility(), cursor.torrents());
    }

    public MirrorStatus status() {
        MirrorCursor c = cursor;
        return new MirrorStatus(c.epoch(), c.sequence(), snapshots.get(), batches.get(), changes.get(), bytes.get(),
                rejected.get(), Optional.ofNullable(lastError));
    }

    /** When the source last gave an answer that was verified and applied; empty before the first one. */
    public Optional<java.time.Instant> lastContact() {
        return Optional.ofNullable(lastContact);
    }

    private void step() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> work = cursor.positioned() ? followFromCheckedPosition() : snapshotOnce();
        work.whenCompleteAsync((ok, error) -> {
            if (error == null) {
                lastError = null;
                lastContact = java.time.Instant.now();
                backoff = settings.minBackoff();
                step();
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof ResnapshotRequiredException) {
                lastError = cause.getMessage();
                cursor = cursor.unpositioned();
                step();
                return;
            }
            // The error before the count: whoever sees the count go up (status()) sees this error, not the null
            // the last success left.
            lastError = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            rejected.incrementAndGet();
            Duration pause = backoff;
            backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                    : backoff.multipliedBy(2);
            // Full jitter keeps many mirrors of one source from retrying in step.
            long millis = ThreadLocalRandom.current().nextLong(pause.toMillis() / 2, pause.toMillis() + 1);
            if (!closed) {
                try {
                    worker.schedule(this::step, millis, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // closed meanwhile
                }
            }
        }, worker);
    }

    private CompletableFuture<Void> snapshotOnce() {
        byte[] nonce = nonce();
        String target = link.prefix() + "/" + MirrorSource.SEGMENT + "/snapshot?nonce=" + hex(nonce);
        return http.get(link, target, settings.limits().maxSnapshotBytes(), settings.requestTimeout())
                .thenAcceptAsync(answer -> {
                    byte[] document = open(SignedDocument.Kind.SNAPSHOT, answer, settings.limits().maxSnapshotBytes());
                    MirrorSnapshot snapshot = unchecked(() -> codec.decodeSnapshot(document, nonce, link.scope()));
                    MirrorCursor next = applySnapshot(snapshot);
                    bytes.addAndGet(answer.body().length);
                    snapshots.incrementAndGet();
                    advance(next);
                }, worker);
    }

    /**
     * Follows the feed, after checking once that the store holds the copies the saved position describes; if it
     * holds none of them, takes a snapshot instead. A store call that fails (none bound yet) fails this step,
     * which is retried with back-off like any other.
     */
    private CompletableFuture<Void> followFromCheckedPosition() {
        if (!positionChecked) {
            boolean holds;
            try {
                holds = storeHoldsCopies();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            positionChecked = true;
            if (!holds) {
                LOG.log(System.Logger.Level.INFO, "tracker: the store holds none of the copies of the " + link
                        + " at its saved position (an empty store after a restart); taking a new snapshot");
                cursor = cursor.unpositioned();
                return snapshotOnce();
            }
        }
        return followOnce();
    }

    /**
     * Whether the store knows any of the first {@link #POSITION_CHECK_SAMPLE} torrents of the cursor: peers or
     * completions (one scrape), or a record. A position with no torrents describes nothing that could be missing.
     */
    private boolean storeHoldsCopies() {
        List<InfoHash> sample = cursor.torrents().stream().limit(POSITION_CHECK_SAMPLE).toList();
        if (sample.isEmpty()) {
            return true;
        }
        Map<InfoHash, SwarmCounts> counts = store.scrape(sample);
        for (InfoHash torrent : sample) {
            SwarmCounts c = counts.get(torrent);
            if (c != null && (c.complete() > 0 || c.incomplete() > 0 || c.downloaded() > 0)) {
                return true;
            }
        }
        for (InfoHash torrent : sample) {
            if (store.torrent(torrent).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Void> followOnce() {
        MirrorCursor at = cursor;
        FeedEpoch epoch = at.epoch().orElseThrow();
        byte[] nonce = nonce();
        String target = link.prefix() + "/" + MirrorSource.SEGMENT + "/changes?nonce=" + hex(nonce) + "&epoch="
                + epoch.hex() + "&since=" + at.sequence() + "&wait=" + settings.longPoll().toSeconds();
        return http.get(link, target, settings.limits().maxBatchBytes(), settings.longPoll().plus(settings.requestTimeout()))
                .thenAcceptAsync(answer -> {
                    if (answer.status() == 410) {
                        throw new CompletionException(new ResnapshotRequiredException("source " + link.source()
                                + " cannot continue from " + at.sequence() + " under epoch " + epoch));
                    }
                    byte[] document = open(SignedDocument.Kind.CHANGES, answer, settings.limits().maxBatchBytes());
                    ChangeBatch batch = unchecked(() -> codec.decodeBatch(document, nonce, link.scope()));
                    if (!batch.epoch().equals(epoch) || batch.from() != at.sequence()) {
                        throw new CompletionException(new MirrorException("change batch answers another position ("
                                + batch.epoch() + " from " + batch.from() + "), asked " + epoch + " from "
                                + at.sequence()));
                    }
                    MirrorCursor next = applyBatch(batch);
                    bytes.addAndGet(answer.body().length);
                    batches.incrementAndGet();
                    advance(next);
                }, worker);
    }

    private byte[] open(SignedDocument.Kind kind, MirrorHttpClient.Answer answer, int maxBytes) {
        if (answer.status() != 200) {
            throw new CompletionException(new MirrorException("source " + link.source() + " answered HTTP "
                    + answer.status() + ": " + printable(answer.body())));
        }
        return unchecked(() -> SignedDocument.open(kind, answer.body(), link.source().publicKey(), verifier,
                maxBytes));
    }

    /** Applies a verified snapshot and returns the position after it. Runs on the mirror thread. */
    private MirrorCursor applySnapshot(MirrorSnapshot snapshot) {
        long sequence = Math.max(1, snapshot.head());
        Set<InfoHash> now = new HashSet<>();
        snapshot.torrents().forEach(t -> now.add(t.infoHash().truncated()));
        Map<InfoHash, Set<String>> newPeers = new HashMap<>();
        for (MirroredTorrent t : snapshot.torrents()) {
            for (PeerEntry peer : t.peers()) {
                newPeers.computeIfAbsent(t.infoHash().truncated(), k -> new HashSet<>())
                        .add(HexFormat.of().formatHex(peer.peerId()) + " " + peer.address());
            }
        }
        // A source answering 410 again and again gets a snapshot each time: the same caps as for batches.
        checkQuota(now, newPeers);
        claim(now);
        for (InfoHash gone : cursor.torrents()) {
            if (!now.contains(gone)) {
                store.apply(new Change(sequence, Change.Kind.TORRENT_REMOVE, gone, Optional.empty(), Optional.empty()));
            }
        }
        for (MirroredTorrent t : snapshot.torrents()) {
            if (t.record().isPresent()) {
                store.apply(new Change(sequence, Change.Kind.TORRENT_PUT, t.infoHash(), Optional.empty(),
                        t.record()));
            }
            for (PeerEntry peer : t.peers()) {
                store.apply(new Change(sequence, Change.Kind.PEER_PUT, t.infoHash(), Optional.of(received(peer, now())),
                        Optional.empty()));
            }
        }
        Set<InfoHash> dropped = new HashSet<>(cursor.torrents());
        dropped.removeAll(now);
        guard.release(dropped);
        return new MirrorCursor(Optional.of(snapshot.epoch()), snapshot.head(), now);
    }

    /** Applies a verified batch and returns the position after it. Runs on the mirror thread. */
    private MirrorCursor applyBatch(ChangeBatch batch) {
        Set<InfoHash> named = new HashSet<>();
        batch.changes().forEach(c -> named.add(c.infoHash().truncated()));
        Set<InfoHash> torrents = new HashSet<>(cursor.torrents());
        Map<InfoHash, Set<String>> newPeers = new HashMap<>();
        for (Change change : batch.changes()) {
            InfoHash key = change.infoHash().truncated();
            switch (change.kind()) {
                case TORRENT_REMOVE -> torrents.remove(key);
                case TORRENT_PUT -> torrents.add(key);
                case PEER_PUT -> {
                    torrents.add(key);
                    PeerEntry peer = change.peer().orElseThrow();
                    newPeers.computeIfAbsent(key, k -> new HashSet<>())
                            .add(HexFormat.of().formatHex(peer.peerId()) + " " + peer.address());
                }
                case PEER_REMOVE -> { }
            }
        }
        checkQuota(torrents, newPeers);
        claim(named);
        Instant now = now();
        for (Change change : batch.changes()) {
            store.apply(change.peer().isPresent()
                    ? new Change(change.sequence(), change.kind(), change.infoHash(),
                            Optional.of(received(change.peer().get(), now)), change.torrent())
                    : change);
        }
        named.removeAll(torrents);
        guard.release(named);
        changes.addAndGet(batch.changes().size());
        return new MirrorCursor(Optional.of(batch.epoch()), batch.to(), torrents);
    }

    /**
     * A source may not grow B's store without bound: at most {@code maxTorrents} torrents per mirror (as in a
     * snapshot), and no peer puts into a swarm that already holds more than {@code maxPeersPerTorrent} peers, nor
     * more than that many in one batch. The store cannot say which peers it holds, so every put may be a new
     * peer: a swarm on B reaches at most the cap plus one batch.
     */
    private void checkQuota(Set<InfoHash> torrents, Map<InfoHash, Set<String>> newPeers) {
        MirrorLimits limits = settings.limits();
        if (torrents.size() > limits.maxTorrents()) {
            throw new CompletionException(new MirrorException("refused: the batch would take the mirror to "
                    + torrents.size() + " torrents, more than " + limits.maxTorrents()));
        }
        if (newPeers.isEmpty()) {
            return;
        }
        Map<InfoHash, SwarmCounts> swarms = store.scrape(newPeers.keySet());
        for (Map.Entry<InfoHash, Set<String>> e : newPeers.entrySet()) {
            SwarmCounts counts = swarms.get(e.getKey());
            int held = counts == null ? 0 : counts.complete() + counts.incomplete();
            if (e.getValue().size() > limits.maxPeersPerTorrent() || held > limits.maxPeersPerTorrent()) {
                throw new CompletionException(new MirrorException("refused: the batch puts " + e.getValue().size()
                        + " peers into torrent " + e.getKey().hex() + ", which holds " + held
                        + " on this node; at most " + limits.maxPeersPerTorrent() + " peers per torrent"));
            }
        }
    }

    /**
     * A peer's {@code last seen} as B keeps it: never later than B's receive time, so a source cannot make its
     * peers outlive B's expiry by dating them in the future.
     */
    private static PeerEntry received(PeerEntry peer, Instant now) {
        return peer.lastSeen().isAfter(now) ? new PeerEntry(peer.infoHash(), peer.peerId(), peer.address(),
                peer.left(), peer.uploaded(), peer.downloaded(), now) : peer;
    }

    private static Instant now() {
        return Instant.now();
    }

    private void claim(Set<InfoHash> infoHashes) {
        unchecked(() -> {
            guard.claim(infoHashes);
            return null;
        });
    }

    private void advance(MirrorCursor next) {
        boolean torrentsChanged = !next.torrents().equals(cursor.torrents());
        cursor = next;
        if (torrentsChanged) {
            onTorrents.accept(trackedShare());
        }
        try {
            cursorFile.save(next);
        } catch (IOException e) {
            // The store has the data and the mirror goes on from here; only a restart would replay or take a
            // snapshot again (both safe). Reported as a failure so that it is seen, and retried with back-off.
            throw new CompletionException(new MirrorException("applied, but cannot save the mirror position to "
                    + cursorFile.path() + ": " + e.getMessage(), e));
        }
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[MirrorCodec.NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String printable(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private interface MirrorCall<T> {
        T call() throws MirrorException;
    }

    private static <T> T unchecked(MirrorCall<T> call) {
        try {
            return call.call();
        } catch (MirrorException e) {
            throw new CompletionException(e);
        }
    }

    /** Stops following; the store keeps what was copied, the cursor file where it stood. */
    @Override
    public void close() {
        closed = true;
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guard.releaseAll();
    }
}
