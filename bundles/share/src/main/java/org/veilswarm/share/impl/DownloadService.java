package org.veilswarm.share.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.tracker.protocol.AnnounceResponse;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.ClientAuthSecretKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoException;
import org.veilswarm.metainfo.TorrentPath;
import org.veilswarm.share.api.Download;
import org.veilswarm.share.api.DownloadState;
import org.veilswarm.share.api.Downloads;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.swarm.engine.TorrentOptions;
import org.veilswarm.swarm.engine.TorrentSession;
import org.veilswarm.swarm.engine.TorrentState;
import org.veilswarm.swarm.engine.TorrentStats;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * {@link Downloads} over a {@link ShareContext}. A download: reads the share's record from the source's tracker
 * ({@link SourceSnapshot}) to learn the torrent's full v2 info-hash, announces to the source to get peers, fetches
 * the metadata from them (BEP 9, {@code SwarmEngine.addFromInfoHash}) and downloads; once complete it registers
 * the torrent in this node's tracker under the link's token (so this node answers announces for it too), puts
 * the record in its store, and announces itself as a seeder to the source and to its own tracker.
 *
 * <p>Multiplexing over K onion services of the source (issues 5 and 8) needs nothing here: the source's tracker
 * lists each of a share's K services as a peer of its own (docs/shares.md), and every listed peer is dialled.
 */
public final class DownloadService implements Downloads, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.share");
    static final Duration METADATA_TIMEOUT = Duration.ofMinutes(2);
    /** How often a download for authorized clients only (which never announces) reads the source's peers again. */
    private static final Duration SNAPSHOT_REFRESH = Duration.ofSeconds(60);
    /**
     * How long a new download waits for the source to list a peer it can reach. The owner's own announce at its
     * tracker's onion endpoint goes over a circuit to its own onion service, and lands seconds (native, tor on an
     * idle machine) to a minute (tor on a busy one) after its link names that endpoint; a get started meanwhile
     * sees the owner only at an address an onion-only downloader cannot dial.
     */
    static final Duration PEER_WAIT = Duration.ofMinutes(3);
    /** The longest pause between two looks at the source while waiting. */
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    private static final Duration REDIAL = Duration.ofSeconds(2);
    /**
     * How long a download may receive nothing before it shows as {@link DownloadState#STALLED}: longer than a
     * circuit takes to be rebuilt under a connection that broke (seconds), short enough that a user sees a source
     * gone away before wondering.
     */
    static final Duration STALL_AFTER = Duration.ofSeconds(30);
    /**
     * How often a stalled download asks the source's tracker for peers besides its usual interval (up to 30 min):
     * a restarted source, or a seeder that joined, is then found within a minute. Each announce over an onion
     * service costs a circuit to the tracker's service, so not more often.
     */
    static final Duration STALL_REANNOUNCE = Duration.ofSeconds(60);
    /** How often the bound tracker store is compared with the one the seeding downloads' records went into. */
    private static final Duration STORE_CHECK = Duration.ofSeconds(1);

    private final ShareContext context;
    private final Announcer announcer;
    private final Duration peerWait;
    private final Duration metadataTimeout;
    private final Duration stallAfter;
    private final Duration stallReannounce;
    private final Map<String, Entry> downloads = new LinkedHashMap<>();

    /** One download in memory. */
    private static final class Entry {
        final String id;
        final ShareLink link;
        final Path directory;
        DownloadRecord record;
        volatile DownloadState state = DownloadState.CONNECTING;
        volatile String name;
        volatile long size;
        volatile InfoHash infoHash;
        volatile TorrentSession session;
        volatile String error;
        volatile CompletableFuture<?> work = CompletableFuture.completedFuture(null);
        final Set<TransportAddress> peers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** When each peer may be dialled again after a failed dial. */
        final RedialBackoff redials = new RedialBackoff(System::nanoTime);
        /** The share's client authorization key, for a share for authorized clients only (else null). */
        volatile ClientAuthSecretKey clientKey;
        /** The onion services the key was given to the transports for (forgotten on remove). */
        final Set<OnionAddress> authorized = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** The tracker store the seeding torrent's record was last put into, and the record's date; see followStore. */
        volatile TrackerStore recordIn;
        volatile java.time.Instant recordAdded;
        /**
         * The session's payload bytes received at the last look ({@code -1}: none yet) and when that count last
         * changed ({@link System#nanoTime}); see {@link DownloadState#STALLED}. Reset when a session starts,
         * otherwise written by the redial ticker only.
         */
        volatile long lastReceived = -1;
        volatile long receivedAt;
        volatile boolean stalled;
        long stallAnnouncedAt;
        /** Counts starts: a chain of an earlier start (paused, then resumed) must not touch this one's state. */
        final java.util.concurrent.atomic.AtomicInteger generation = new java.util.concurrent.atomic.AtomicInteger();

        boolean superseded(int gen) {
            return state == DownloadState.PAUSED || generation.get() != gen;
        }

        Entry(String id, ShareLink link, Path directory) {
            this.id = id;
            this.link = link;
            this.directory = directory;
        }
    }

    public DownloadService(ShareContext context) {
        this(context, PEER_WAIT);
    }

    /** As above, waiting up to {@code peerWait} for a reachable peer (tests shorten it). */
    DownloadService(ShareContext context, Duration peerWait) {
        this(context, peerWait, METADATA_TIMEOUT);
    }

    /** As above, giving up on the torrent's metadata after {@code metadataTimeout} (tests shorten it). */
    DownloadService(ShareContext context, Duration peerWait, Duration metadataTimeout) {
        this(context, peerWait, metadataTimeout, STALL_AFTER, STALL_REANNOUNCE);
    }

    /**
     * As above, showing a download that receives nothing for {@code stallAfter} as stalled, and announcing to the
     * source every {@code stallReannounce} while it is (tests shorten both).
     */
    DownloadService(ShareContext context, Duration peerWait, Duration metadataTimeout, Duration stallAfter,
            Duration stallReannounce) {
        this.context = context;
        this.announcer = new Announcer(context);
        this.peerWait = peerWait;
        this.metadataTimeout = metadataTimeout;
        this.stallAfter = stallAfter;
        this.stallReannounce = stallReannounce;
    }

    @Override
    public Download add(String linkText, Path directory) {
        return add(linkText, directory, (ClientAuthSecretKey) null);
    }

    @Override
    public Download add(String linkText, Path directory, String clientAuthKey) {
        if (clientAuthKey == null || clientAuthKey.isBlank()) {
            throw new ShareException("no client authorization key given");
        }
        ClientAuthSecretKey key;
        try {
            key = ClientAuthSecretKey.parse(clientAuthKey);
        } catch (IllegalArgumentException e) {
            throw new ShareException("bad client authorization key: " + e.getMessage(), e);
        }
        if (context.transports().get().stream().noneMatch(Transport::supportsClientAuthorization)) {
            throw new ShareException("no bound transport supports onion service client authorization (the native "
                    + "onion transport does; tor does not here yet)");
        }
        return add(linkText, directory, key);
    }

    private Download add(String linkText, Path directory, ClientAuthSecretKey key) {
        ShareLink link = ShareLink.parse(linkText);
        if (context.transportFor(link.tracker()).isEmpty()) {
            throw new ShareException("no bound transport reaches " + link.tracker()
                    + (link.isOnion() ? " (onion services need the onion or tor transport)" : ""));
        }
        Path dir = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ShareException("cannot use " + dir + " for the download: " + e.getMessage(), e);
        }
        String id = idOf(link);
        Entry e;
        synchronized (this) {
            Entry existing = downloads.get(id);
            if (existing != null) {
                if (key == null || key.equals(existing.clientKey)) {
                    return view(existing);
                }
                existing.clientKey = key;
                existing.record = existing.record.withClientAuthKey(Optional.of(key.base32()));
                try {
                    save(existing.record);
                } catch (IOException ex) {
                    throw new ShareException("cannot save the download in " + downloadsDir() + ": " + ex.getMessage(),
                            ex);
                }
                e = existing;
                if (e.state != DownloadState.FAILED) {
                    authorize(e, e.peers);
                    return view(e);
                }
            } else {
                e = new Entry(id, link, dir);
                e.clientKey = key;
                e.record = new DownloadRecord(id, link, dir, false, java.time.Instant.now(),
                        Optional.ofNullable(key).map(ClientAuthSecretKey::base32));
                try {
                    save(e.record);
                } catch (IOException ex) {
                    throw new ShareException("cannot save the download in " + downloadsDir() + ": " + ex.getMessage(),
                            ex);
                }
                downloads.put(id, e);
            }
        }
        start(e);
        return view(e);
    }

    /**
     * Restores every download saved in {@code <data>/downloads/}: paused ones stay paused, the others start again
     * — from the saved metainfo and the engine's resume data when the metadata had arrived (a complete one seeds
     * at once, without the source), else from the link. A damaged file is skipped with a warning.
     */
    public void start() {
        announcer.every("tracker-store", STORE_CHECK, () -> {
            try {
                followStore();
            } catch (RuntimeException ex) {
                // A periodic task that throws is never run again (ScheduledExecutorService): log and keep watching.
                LOG.log(System.Logger.Level.WARNING, "cannot put the seeding downloads' records into the tracker store",
                        ex);
            }
        });
        Path dir = downloadsDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<DownloadRecord> records = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.download")) {
            for (Path file : files) {
                try {
                    records.add(DownloadRecord.decode(Files.readAllBytes(file)));
                } catch (IOException ex) {
                    LOG.log(System.Logger.Level.WARNING, "skipping damaged download file " + file.getFileName() + ": "
                            + ex.getMessage());
                }
            }
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot list " + dir + ": " + ex.getMessage());
            return;
        }
        records.sort(java.util.Comparator.comparing(DownloadRecord::added));
        List<Entry> restarting = new ArrayList<>();
        synchronized (this) {
            for (DownloadRecord r : records) {
                Entry e = new Entry(r.id(), r.link(), r.directory());
                e.record = r;
                e.clientKey = r.clientAuthKey().map(ClientAuthSecretKey::parse).orElse(null);
                savedMetainfo(e).ifPresent(m -> describe(e, m));
                if (r.paused()) {
                    e.state = DownloadState.PAUSED;
                } else {
                    restarting.add(e);
                }
                downloads.put(r.id(), e);
            }
        }
        restarting.forEach(this::start);
    }

    private void start(Entry e) {
        int gen = e.generation.incrementAndGet();
        e.state = DownloadState.CONNECTING;
        e.error = null;
        Transport transport = context.transportFor(e.link.tracker()).orElse(null);
        if (transport == null) {
            fail(e, "no bound transport reaches " + e.link.tracker());
            return;
        }
        Optional<Metainfo> saved = savedMetainfo(e);
        CompletableFuture<TorrentSession> opening;
        if (saved.isPresent()) {
            // Metadata from an earlier run: open the files against the engine's resume data (checking them may
            // take a while, so not on the caller's thread).
            describe(e, saved.get());
            opening = CompletableFuture.supplyAsync(() -> {
                refuseDuplicate(HashValue.of(e.infoHash.bytes()));
                try {
                    return context.engine().add(saved.get(), e.directory, stateDir(e), TorrentOptions.defaults());
                } catch (org.veilswarm.swarm.storage.StorageException ex) {
                    throw new CompletionException(new ShareException("cannot open the downloaded files in "
                            + e.directory + ": " + ex.getMessage(), ex));
                }
            });
        } else {
            opening = findPeers(transport, e, 0, System.nanoTime() + peerWait.toNanos())
                    .thenCompose(peers -> {
                        if (e.superseded(gen)) {
                            throw new CompletionException(new IllegalStateException("paused"));
                        }
                        e.state = DownloadState.FETCHING_METADATA;
                        LOG.log(System.Logger.Level.INFO, "download " + e.id + ": fetching the metadata from "
                                + peers.size() + " peer(s) " + peers);
                        HashValue v2 = HashValue.of(e.infoHash.bytes());
                        refuseDuplicate(v2);
                        return context.engine().addFromInfoHash(v2, peers, e.directory, stateDir(e),
                                TorrentOptions.defaults(), metadataTimeout);
                    })
                    .thenApply(session -> {
                        saveMetainfo(e, session.metainfo());
                        return session;
                    });
        }
        CompletableFuture<?> work = opening
                .thenCompose(session -> {
                    if (e.superseded(gen)) {
                        session.close();
                        throw new CompletionException(new IllegalStateException("paused"));
                    }
                    e.session = session;
                    e.lastReceived = -1;
                    e.receivedAt = System.nanoTime();
                    e.stalled = false;
                    e.state = DownloadState.DOWNLOADING;
                    if (e.clientKey != null) {
                        // Peers from the source's snapshot (a GET that lists nobody), now and every minute.
                        refreshPeers(transport, e);
                        announcer.every(e.id + "/snapshot", SNAPSHOT_REFRESH, () -> refreshPeers(transport, e));
                    } else {
                        keepAnnouncingToSource(e);
                    }
                    // The engine does not dial again by itself: every known peer not connected (failed once over
                    // a circuit that broke, a duplicate connection closed by the other side, a restarted seeder)
                    // is dialled again, failed ones after a growing pause (RedialBackoff).
                    announcer.every(e.id + "/redial", REDIAL, () -> {
                        TorrentSession s = e.session;
                        if (e.state == DownloadState.DOWNLOADING && s != null) {
                            TorrentStats stats = s.stats();
                            if (stats.peers().isEmpty()) {
                                // With no connection at all no peer is given up on: each is tried every minute.
                                e.peers.forEach(e.redials::listedAgain);
                            }
                            connectAll(e);
                            watchForStall(e, stats, System.nanoTime());
                        }
                    });
                    return session.completion();
                })
                .thenRun(() -> {
                    if (!e.superseded(gen)) {
                        becomeSeeder(e);
                    }
                });
        e.work = work;
        work.whenComplete((v, error) -> {
            if (error != null && !e.superseded(gen)) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                        : error;
                String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                explainRefusal(e).whenComplete((explained, ignored) -> {
                    if (!e.superseded(gen)) {
                        fail(e, explained != null ? explained : reason);
                    }
                });
            }
        });
    }

    /** One of this node's shares, or another download of the same torrent: the engine runs a torrent once. */
    private void refuseDuplicate(HashValue v2) {
        if (context.engine().torrent(v2).isPresent()) {
            throw new CompletionException(new ShareException(
                    "this node already has this torrent (one of its shares, or another download)"));
        }
    }

    private static void describe(Entry e, Metainfo metainfo) {
        e.infoHash = InfoHash.of(metainfo.infoHashes().v2().bytes());
        e.name = metainfo.info().name();
        e.size = metainfo.info().totalLength();
    }

    private Path downloadsDir() {
        return context.dataDir().resolve("downloads");
    }

    private void save(DownloadRecord record) throws IOException {
        OwnerOnlyFiles.write(downloadsDir().resolve(record.id() + ".download"), record.encode());
    }

    /** Records a pause or resume; a failure to write is logged (the download itself goes on). */
    private void saveQuietly(Entry e, boolean paused) {
        DownloadRecord r = e.record;
        if (r == null) {
            return;
        }
        try {
            e.record = r.withPaused(paused);
            save(e.record);
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot save download " + e.id + ": " + ex.getMessage());
        }
    }

    /** The torrent as a v2 .torrent: the info dictionary as received (its hash is the torrent's) and the piece layers. */
    private void saveMetainfo(Entry e, Metainfo metainfo) {
        try {
            org.veilswarm.bencode.BencodeDictionary.Builder layers = org.veilswarm.bencode.BencodeDictionary.builder();
            metainfo.pieceLayers().asMap().forEach((root, layer) -> layers.put(
                    org.veilswarm.bencode.BencodeString.of(root.bytes()), org.veilswarm.bencode.BencodeString.of(layer)));
            byte[] torrent = org.veilswarm.bencode.BencodeEncoder.encode(org.veilswarm.bencode.BencodeDictionary.builder()
                    .put("info", org.veilswarm.bencode.BencodeDecoder.strict().decodeDictionary(metainfo.info().bytes()))
                    .put("piece layers", layers.build()).build());
            OwnerOnlyFiles.write(downloadsDir().resolve(e.id + ".torrent"), torrent);
        } catch (IOException | org.veilswarm.bencode.BencodeException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "download " + e.id + ": cannot save its metainfo (a restart will ask "
                    + "peers again): " + ex.getMessage());
        }
    }

    private Optional<Metainfo> savedMetainfo(Entry e) {
        Path file = downloadsDir().resolve(e.id + ".torrent");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(org.veilswarm.metainfo.MetainfoParser.strict().parse(Files.readAllBytes(file)));
        } catch (IOException | org.veilswarm.metainfo.MetainfoException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "download " + e.id + ": ignoring its damaged saved metainfo: "
                    + ex.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Snapshot and announce, tried again with growing pauses (0.25, 0.5, 1, 2, 4, 5, 5, ... s) until
     * {@link #peerWait} has passed: a source whose share was created a moment ago may not have its record in the
     * mirroring view yet, its onion service may not be found yet, and its tracker may not list it yet at an address
     * this node can reach. Each wait is logged (the node's log, the console's log view): what the source lists and
     * when the download gives up.
     */
    private CompletableFuture<List<TransportAddress>> findPeers(Transport transport, Entry e, int attempt,
            long deadline) {
        return SourceSnapshot.fetch(transport, e.link, context.identity())
                .thenCompose(torrents -> peersFor(e, torrents))
                .handle((peers, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(peers);
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    long pause = Math.min(MAX_PAUSE.toMillis(), 250L << Math.min(attempt, 8));
                    // "Not listed yet", "no reachable peer yet", and over onion "not published yet", a circuit that
                    // failed on the way or a source refusing introductions for now are worth waiting for; a direct
                    // source refusing or unreachable is reported at once.
                    if (!(cause instanceof ShareException || e.link.isOnion() && transientOnionFailure(cause))
                            || e.state == DownloadState.PAUSED) {
                        return CompletableFuture.<List<TransportAddress>>failedFuture(error);
                    }
                    if (System.nanoTime() + pause * 1_000_000L - deadline > 0) {
                        return CompletableFuture.<List<TransportAddress>>failedFuture(new ShareException(
                                cause.getMessage() + " (gave up after " + peerWait.toSeconds() + " s)", cause));
                    }
                    LOG.log(System.Logger.Level.INFO, "download " + e.id + ": " + cause.getMessage()
                            + "; looking again in " + pause + " ms (attempt " + (attempt + 1) + ", gives up "
                            + secondsLeft(deadline) + " s from now)");
                    return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(pause, java.util.concurrent.TimeUnit.MILLISECONDS))
                            .thenCompose(x -> findPeers(transport, e, attempt + 1, deadline));
                })
                .thenCompose(f -> f);
    }

    /** Seconds until a {@link System#nanoTime()} deadline, for log lines. */
    private static long secondsLeft(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000L);
    }

    /**
     * An onion connect to the source that may work on the next try:
     * <ul>
     * <li>a descriptor not found (yet): a source that has just started, or has just published the tracker, is found
     *     a moment later (tor: SOCKS 0xF0, native: no descriptor at the HSDirs);</li>
     * <li>circuits that failed or timed out on the way (a rendezvous circuit destroyed by a relay that is restarting
     *     or not yet in everyone's directory; HSDirs not answering; intro points unreachable; a circuit limit):
     *     reasons TIMEOUT, OTHER, RESOURCE_LIMIT;</li>
     * <li>a refusal (REFUSED): over the native transport, every introduction point refused and no HSDir had a
     *     descriptor naming others (INTRODUCTION_FAILED; tor reports the same as SOCKS 0xF2, NOT_FOUND). A link
     *     names a node's tracker, which stays published while that node runs, so this means the node is down or
     *     restarting, or is moving its intro points and has not uploaded them yet (seen in a testnet run seconds
     *     after it was ready): each may end within the deadline;</li>
     * <li>a stream that opened but whose request got no answer in time ({@link java.util.concurrent.TimeoutException}
     *     from the tracker client): a circuit of the path stalled or was torn down without a word (seen in a testnet
     *     run: two rendezvous circuits destroyed, then a third opened and its snapshot request waited 30 s).</li>
     * </ul>
     * The transport already retried with new circuits and a fresh descriptor; the source is asked again after a
     * pause, until the deadline, and the last failure is reported then. The price: a link whose service refuses
     * for good (no listener on the port) is reported after the wait, not at once. A refusal for client
     * authorization ({@link #clientAuthorizationRefusal}), protocol errors, an address the transport cannot reach
     * and a closed transport are final.
     */
    static boolean transientOnionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            if (t instanceof TransportException te) {
                return switch (te.reason()) {
                    case NOT_FOUND, TIMEOUT, OTHER, RESOURCE_LIMIT -> true;
                    case REFUSED -> !clientAuthorizationRefusal(te);
                    default -> false;
                };
            }
        }
        return false;
    }

    /**
     * The peers to start from: the source's answer to an announce, plus the peers in its snapshot (the K onion
     * services of the share among them).
     */
    private CompletableFuture<List<TransportAddress>> peersFor(Entry e, List<SourceSnapshot.Torrent> torrents) {
        SourceSnapshot.Torrent torrent = torrents.stream().filter(t -> t.infoHash().isV2()).findFirst()
                .orElseThrow(() -> new CompletionException(new ShareException(torrents.isEmpty()
                        ? "the share lists no torrent (revoked, or not seeded yet)"
                        : "the source names no v2 info-hash for the share (it has no torrent record)")));
        e.infoHash = torrent.infoHash();
        e.name = torrent.name().orElse(null);
        e.size = torrent.size();
        Set<TransportAddress> peers = new LinkedHashSet<>(torrent.peers());
        // A download of a share for authorized clients only never announces itself: the tracker would list this
        // node's public address to every holder of the link (see clientAuthOnly below).
        CompletableFuture<AnnounceResponse> announced = e.clientKey != null
                ? CompletableFuture.failedFuture(new IllegalStateException("not announced (client authorization)"))
                : announcer.announce(announceUrl(e), e.infoHash, AnnounceEvent.STARTED, progress(e));
        return announced
                .handle((response, error) -> {
                    if (response != null) {
                        peers.addAll(response.peers());
                    } else {
                        LOG.log(System.Logger.Level.DEBUG, "announce to the source failed: " + error.getMessage());
                    }
                    if (peers.isEmpty()) {
                        throw new CompletionException(new ShareException("the source's tracker lists no peer for the share"));
                    }
                    // A peer no bound transport can dial (the owner still listed only at its IP for an onion-only
                    // node) is no peer, and neither is this node itself (its own announce lists it at its onion
                    // address): waiting for the source's next answer is better than failing the fetch.
                    Optional<TransportAddress> self = context.identity()
                            .map(i -> TransportAddress.of(i.address(), context.peerPort()));
                    List<TransportAddress> reachable = peers.stream()
                            .filter(p -> self.map(me -> !me.equals(p)).orElse(true))
                            .filter(p -> context.transportFor(p).isPresent()).toList();
                    if (reachable.isEmpty()) {
                        throw new CompletionException(new ShareException("the source's tracker lists no peer this node"
                                + " can reach yet (it lists " + peers + ")"));
                    }
                    authorize(e, reachable);
                    e.peers.addAll(reachable);
                    return new ArrayList<>(reachable);
                });
    }

    private void connectAll(Entry e) {
        TorrentSession s = e.session;
        if (s == null) {
            return;
        }
        authorize(e, e.peers);
        Optional<TransportAddress> self = context.identity().map(i -> TransportAddress.of(i.address(), context.peerPort()));
        for (TransportAddress peer : List.copyOf(e.peers)) {
            if (self.map(peer::equals).orElse(false) || !e.redials.claim(peer)) {
                continue;
            }
            s.connect(peer).whenComplete((connected, error) -> {
                if (error == null) {
                    e.redials.connected(peer);
                } else {
                    e.redials.failed(peer);
                }
            });
        }
    }

    private void putRecord(Entry e) {
        TorrentSession session = e.session;
        context.store().get().ifPresent(store -> {
            store.putTorrent(ShareService.record(session.metainfo(), e.link.visibility(), e.recordAdded));
            e.recordIn = store;
        });
    }

    /**
     * Puts each seeding download's record again into a tracker store bound after it was put (another store, or a
     * new memory store after its bundle was updated): the node tracks what it seeds, and that store knows nothing
     * of it. The same as {@code ShareService.followStore} for this node's own shares.
     */
    synchronized void followStore() {
        TrackerStore current = context.store().get().orElse(null);
        if (current == null) {
            return;
        }
        for (Entry e : downloads.values()) {
            if (e.recordIn != current && e.recordAdded != null && e.state == DownloadState.SEEDING
                    && e.clientKey == null && e.session != null) {
                putRecord(e);
                LOG.log(System.Logger.Level.INFO, "download " + e.id + ": its record put into the tracker store "
                        + "bound since");
            }
        }
    }

    private void becomeSeeder(Entry e) {
        announcer.stop(e.id + "/redial");
        e.state = DownloadState.SEEDING;
        if (e.clientKey != null) {
            // Tracking the share here or announcing this node would list its public onion service (or its IP) for
            // a share meant for authorized clients only: it seeds to the peers that connect, nothing more.
            announcer.stop(e.id + "/snapshot");
            LOG.log(System.Logger.Level.INFO, "download " + e.id + " complete; a share for authorized clients only is "
                    + "neither tracked nor announced by a downloader");
            return;
        }
        // Track it too, under the link's own token: a holder of the link may announce here as at the source.
        context.trackerShares().restore(e.link.token(), e.link.visibility(), Set.of(e.infoHash));
        e.recordAdded = java.time.Instant.now();
        putRecord(e);
        Announcer.Progress seeding = Announcer.seeding(() -> e.session.stats().uploaded());
        announcer.keepAnnouncing(e.id + "/source", announceUrl(e), e.infoHash, AnnounceEvent.COMPLETED, seeding);
        Optional<TransportAddress> own = ShareService.linkEndpoint(context.trackerShares().endpoints(),
                context.links().policy());
        if (own.isPresent()) {
            announcer.keepAnnouncing(e.id + "/own", new TrackerUrl(own.get(),
                    ShareService.prefix(e.link.visibility(), e.link.token()) + "announce"), e.infoHash,
                    AnnounceEvent.STARTED, seeding);
        }
    }

    private Announcer.Progress progress(Entry e) {
        return new Announcer.Progress() {
            public long uploaded() {
                TorrentSession s = e.session;
                return s == null ? 0 : s.stats().uploaded();
            }

            public long downloaded() {
                TorrentSession s = e.session;
                return s == null ? 0 : s.stats().downloaded();
            }

            public long left() {
                TorrentSession s = e.session;
                if (s != null) {
                    TorrentStats st = s.stats();
                    return Math.max(0, st.totalBytes() - st.verifiedBytes());
                }
                return e.size > 0 ? e.size : 1;
            }
        };
    }

    /** Announces to the source now and at its interval; every answer's peers are dialled. */
    private void keepAnnouncingToSource(Entry e) {
        announcer.keepAnnouncing(e.id + "/source", announceUrl(e), e.infoHash, AnnounceEvent.NONE, progress(e),
                response -> dialListed(e, response));
    }

    private void dialListed(Entry e, AnnounceResponse response) {
        e.peers.addAll(response.peers());
        response.peers().forEach(e.redials::listedAgain);
        connectAll(e);
    }

    /**
     * Notes whether the download received anything since the last look; one that received nothing for
     * {@link #stallAfter} is stalled (logged once each way) and asks the source's tracker for peers every
     * {@link #stallReannounce} besides the tracker's interval.
     */
    private void watchForStall(Entry e, TorrentStats stats, long now) {
        if (stats.downloaded() != e.lastReceived) {
            e.lastReceived = stats.downloaded();
            e.receivedAt = now;
        }
        boolean stalled = now - e.receivedAt >= stallAfter.toNanos();
        if (stalled != e.stalled) {
            e.stalled = stalled;
            LOG.log(System.Logger.Level.INFO, stalled
                    ? "download " + e.id + ": nothing received for " + stallAfter.toSeconds() + " s from "
                            + stats.peers().size() + " connected and " + e.peers.size() + " known peer(s); still trying"
                    : "download " + e.id + ": receiving again");
            if (stalled) {
                e.stallAnnouncedAt = now - stallReannounce.toNanos();
            }
        }
        if (stalled && e.clientKey == null && now - e.stallAnnouncedAt >= stallReannounce.toNanos()) {
            // One announce besides the periodic ones (whose retries after a failure are theirs to pace).
            e.stallAnnouncedAt = now;
            announcer.announce(announceUrl(e), e.infoHash, AnnounceEvent.NONE, progress(e))
                    .thenAccept(response -> dialListed(e, response));
        }
    }

    private static TrackerUrl announceUrl(Entry e) {
        return new TrackerUrl(e.link.tracker(), ShareService.prefix(e.link.visibility(), e.link.token()) + "announce");
    }

    private Path stateDir(Entry e) {
        return context.dataDir().resolve("downloads").resolve(e.id);
    }

    /**
     * Gives the download's client authorization key to every bound transport for each onion peer among
     * {@code peers} (rend-spec-v3 §2.5.1.2; the swarm engine dials without options, as C tor clients do after
     * ONION_CLIENT_AUTH_ADD). The link's own host, the source's tracker, is a public service and needs none.
     */
    private void authorize(Entry e, java.util.Collection<TransportAddress> peers) {
        ClientAuthSecretKey key = e.clientKey;
        if (key == null) {
            return;
        }
        for (TransportAddress peer : List.copyOf(peers)) {
            Optional<OnionAddress> service = peer.onion();
            if (service.isEmpty() || peer.host().equals(e.link.tracker().host())) {
                continue;
            }
            context.transports().get().forEach(t -> t.addClientAuthorization(service.get(), key));
            e.authorized.add(service.get());
        }
    }

    /** The peers of a download for authorized clients only, from a new snapshot of the source (no announce). */
    private void refreshPeers(Transport transport, Entry e) {
        SourceSnapshot.fetch(transport, e.link, context.identity()).thenAccept(torrents -> torrents.stream()
                .filter(t -> t.infoHash().equals(e.infoHash)).findFirst().ifPresent(t -> {
                    Optional<TransportAddress> self = context.identity()
                            .map(i -> TransportAddress.of(i.address(), context.peerPort()));
                    t.peers().stream().filter(p -> self.map(me -> !me.equals(p)).orElse(true))
                            .filter(p -> context.transportFor(p).isPresent()).forEach(p -> {
                                e.peers.add(p);
                                e.redials.listedAgain(p);
                            });
                    connectAll(e);
                }));
    }

    /**
     * Why a download without a key got nowhere, when the reason is client authorization: the metadata fetch only
     * says it timed out, as the swarm engine's dials fail quietly. One onion peer (not the source's tracker) is
     * asked directly; a refusal for client authorization becomes the download's error with what to do. Completes
     * with null otherwise, and never fails.
     */
    private CompletableFuture<String> explainRefusal(Entry e) {
        if (e.clientKey != null || !e.link.isOnion()) {
            return CompletableFuture.completedFuture(null);
        }
        Optional<TransportAddress> peer = e.peers.stream()
                .filter(p -> p.isOnion() && !p.host().equals(e.link.tracker().host())).findFirst();
        Optional<Transport> transport = peer.flatMap(context::transportFor);
        if (transport.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<String> explained = new CompletableFuture<>();
        try {
            transport.get().connect(peer.get(), new io.netty.channel.ChannelInitializer<>() {
                @Override
                protected void initChannel(io.netty.channel.Channel channel) {
                    // a probe: nothing is sent
                }
            }).whenComplete((channel, error) -> {
                if (channel != null) {
                    channel.close();
                }
                explained.complete(clientAuthorizationRefusal(error) ? "the share is for authorized clients only: "
                        + "its onion services refuse this node without the share's client authorization key (add the "
                        + "download with its key, e.g. 'veilswarm get LINK --key KEY')" : null);
            });
        } catch (RuntimeException ex) {
            explained.complete(null);
        }
        return explained;
    }

    /** A transport's refusal for client authorization (api transport 1.3: REFUSED, "client authorization"). */
    static boolean clientAuthorizationRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TransportException te) {
                return te.reason() == TransportException.Reason.REFUSED && te.getMessage() != null
                        && te.getMessage().toLowerCase(java.util.Locale.ROOT).contains("client authorization");
            }
        }
        return false;
    }

    private void fail(Entry e, String reason) {
        e.state = DownloadState.FAILED;
        e.error = reason;
        LOG.log(System.Logger.Level.INFO, "download " + e.id + " failed: " + reason);
    }

    @Override
    public synchronized List<Download> list() {
        return downloads.values().stream().map(DownloadService::view).toList();
    }

    @Override
    public synchronized Optional<Download> get(String id) {
        return Optional.ofNullable(downloads.get(id)).map(DownloadService::view);
    }

    @Override
    public Download pause(String id) {
        Entry e = require(id);
        if (e.state == DownloadState.SEEDING || e.state == DownloadState.PAUSED) {
            return view(e);
        }
        e.state = DownloadState.PAUSED;
        saveQuietly(e, true);
        announcer.stopAll(e.id + "/");
        TorrentSession s = e.session;
        if (s != null) {
            s.close();
        }
        return view(e);
    }

    @Override
    public Download resume(String id) {
        Entry e = require(id);
        if (e.state == DownloadState.PAUSED || e.state == DownloadState.FAILED) {
            e.session = null;
            saveQuietly(e, false);
            start(e);
        }
        return view(e);
    }

    @Override
    public boolean remove(String id, boolean deleteFiles) {
        Entry e;
        synchronized (this) {
            e = downloads.remove(id);
        }
        if (e == null) {
            return false;
        }
        e.state = DownloadState.PAUSED;
        announcer.stopAll(e.id + "/");
        TorrentSession s = e.session;
        if (s != null) {
            s.close();
        }
        for (OnionAddress service : e.authorized) {
            context.transports().get().forEach(t -> t.removeClientAuthorization(service));
        }
        if (e.infoHash != null) {
            context.trackerShares().find(e.link.token()).ifPresent(share -> context.trackerShares().revoke(e.link.token()));
        }
        if (deleteFiles && s != null) {
            deleteStoredFiles(s.metainfo().info(), e.directory, e.id);
        }
        FileTrees.delete(stateDir(e));
        try {
            Files.deleteIfExists(downloadsDir().resolve(e.id + ".download"));
            Files.deleteIfExists(downloadsDir().resolve(e.id + ".torrent"));
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the files of download " + e.id + ": " + ex.getMessage());
        }
        return true;
    }

    /**
     * Deletes what the torrent stored in {@code directory}: its root folder, or its single file. Never a path made of
     * the torrent's name, which for a single-file torrent is only advisory (any bytes a sharer chose: "..", a
     * neighbour folder's name); both paths here come from validated path components and stay below
     * {@code directory}.
     */
    static void deleteStoredFiles(InfoDictionary info, Path directory, String id) {
        try {
            Path stored = info.rootDirectory().isPresent()
                    ? TorrentPath.of(List.of(info.rootDirectory().get())).resolveUnder(directory)
                    : info.resolveUnder(info.files().get(0), directory);
            FileTrees.delete(stored);
        } catch (MetainfoException ex) {
            LOG.log(System.Logger.Level.WARNING, "download " + id + ": its files were not deleted: " + ex.getMessage());
        }
    }

    private synchronized Entry require(String id) {
        Entry e = downloads.get(id);
        if (e == null) {
            throw new ShareException("no download " + id);
        }
        return e;
    }

    private static Download view(Entry e) {
        TorrentSession s = e.session;
        long total = e.size;
        long done = 0;
        long down = 0;
        long up = 0;
        int peers = 0;
        Optional<Duration> eta = Optional.empty();
        String name = e.name;
        DownloadState state = e.state;
        String error = e.error;
        if (s != null) {
            TorrentStats st = s.stats();
            total = st.totalBytes();
            done = st.verifiedBytes();
            down = st.downloadRate();
            up = st.uploadRate();
            peers = st.peers().size();
            eta = st.eta();
            name = s.metainfo().info().name();
            if (st.state() == TorrentState.FAILED && state != DownloadState.PAUSED) {
                state = DownloadState.FAILED;
                error = st.failureReason();
            } else if (state == DownloadState.DOWNLOADING && e.stalled) {
                state = DownloadState.STALLED;
            }
        }
        return new Download(e.id, e.link, e.directory, Optional.ofNullable(name),
                Optional.ofNullable(e.infoHash).map(InfoHash::hex), state, total, done, down, up, peers, eta,
                Optional.ofNullable(error));
    }

    /** 16 hex digits of SHA-256 over the whole link: stable, and tells nothing of the token. */
    static String idOf(ShareLink link) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    ("veilswarm download id\0" + link.format()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every Java platform has SHA-256", ex);
        }
    }

    @Override
    public void close() {
        announcer.close();
    }
}
