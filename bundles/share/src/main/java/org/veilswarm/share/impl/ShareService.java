package org.veilswarm.share.impl;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.ClientAuthSecretKey;
import org.veilswarm.api.transport.ListenOptions;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.CancelToken;
import org.veilswarm.metainfo.CreatedTorrent;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoException;
import org.veilswarm.metainfo.MetainfoParser;
import org.veilswarm.metainfo.TorrentCreationCancelledException;
import org.veilswarm.metainfo.TorrentCreator;
import org.veilswarm.metainfo.TorrentMode;
import org.veilswarm.share.api.RevealReport;
import org.veilswarm.share.api.Share;
import org.veilswarm.share.api.ShareException;
import org.veilswarm.share.api.ShareLink;
import org.veilswarm.share.api.ShareOptions;
import org.veilswarm.share.api.ShareProgressListener;
import org.veilswarm.share.api.ShareState;
import org.veilswarm.share.api.Shares;
import org.veilswarm.share.reveal.RevealScanner;
import org.veilswarm.swarm.engine.TorrentOptions;
import org.veilswarm.swarm.engine.TorrentSession;
import org.veilswarm.swarm.engine.TorrentState;
import org.veilswarm.swarm.engine.TorrentStats;
import org.veilswarm.swarm.storage.StorageException;
import org.veilswarm.tracker.api.TrackerShare;
import org.veilswarm.tracker.protocol.TrackerUrl;

/**
 * {@link Shares} over a {@link ShareContext}: hashes, seeds through the engine, registers tokens with the
 * tracker, puts the torrent record in the tracker store, announces itself to its own tracker and keeps every
 * share in {@code <data>/shares/}. {@link #start()} restores the saved shares: the same tokens go back into the
 * tracker (so the links keep working) and the torrents are re-added, checked against their resume data.
 */
public final class ShareService implements Shares, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.veilswarm.share");
    /** How often the tracker's endpoints are compared with those the shares were announced at. */
    private static final java.time.Duration ENDPOINT_CHECK = java.time.Duration.ofSeconds(1);

    private final ShareContext context;
    private final Path dir;
    private final Announcer announcer;
    private final ShareServiceListeners services;
    private final RevealScanner scanner = new RevealScanner();
    private final Map<String, Entry> shares = new LinkedHashMap<>();
    /** The tracker endpoints the shares were last announced at; see {@link #followEndpoints}. */
    private List<TransportAddress> announcedEndpoints = List.of();

    /** One share in memory. */
    private static final class Entry {
        ShareRecord record;
        Metainfo metainfo;
        TorrentSession session;
        String error;
        /** The share's own onion service keys (K-way multiplexing); empty: it is listed under the node's key. */
        List<ServiceKey> keys = List.of();
        /** The services that listened when the share last announced itself; see {@link #followServices}. */
        Set<OnionAddress> announcedServices = Set.of();
        /** The tracker store the share's record was last put into; see {@link #followStore}. */
        TrackerStore recordIn;

        Entry(ShareRecord record) {
            this.record = record;
        }
    }

    public ShareService(ShareContext context) {
        this.context = context;
        this.dir = context.dataDir().resolve("shares");
        this.announcer = new Announcer(context);
        this.services = new ShareServiceListeners(context.engine(), context.peerPort());
    }

    /** Restores every share saved in {@code <data>/shares/}; a damaged one is skipped with a warning. */
    public synchronized void start() {
        // The tracker is not asked here: activation stays as it was (a tracker being reconfigured at this moment
        // fails nothing); the first check finds its endpoints and announces at any the shares below did not see.
        announcer.every("tracker-endpoints", ENDPOINT_CHECK, () -> {
            try {
                followServices();
                followEndpoints();
                followStore();
            } catch (RuntimeException ex) {
                // A periodic task that throws is never run again (ScheduledExecutorService): log and keep watching.
                LOG.log(System.Logger.Level.WARNING, "cannot announce the shares at the tracker's endpoints", ex);
            }
        });
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.share")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list " + dir + ": " + e.getMessage());
            return;
        }
        List<Entry> restored = new ArrayList<>();
        for (Path file : files) {
            try {
                ShareRecord record = ShareRecord.decode(Files.readAllBytes(file));
                Entry e = new Entry(record);
                try {
                    e.metainfo = MetainfoParser.strict().parse(Files.readAllBytes(dir.resolve(record.id() + ".torrent")));
                } catch (IOException | MetainfoException ex) {
                    e.error = "cannot read the share's metainfo: " + ex.getMessage();
                }
                restored.add(e);
            } catch (IOException ex) {
                LOG.log(System.Logger.Level.WARNING, "skipping damaged share file " + file.getFileName() + ": "
                        + ex.getMessage());
            }
        }
        restored.sort((a, b) -> a.record.created().compareTo(b.record.created()));
        for (Entry e : restored) {
            shares.put(e.record.id(), e);
            e.record.privateToken().ifPresent(t -> context.trackerShares().restore(t, Visibility.PRIVATE, hashes(e)));
            e.record.publicToken().ifPresent(t -> context.trackerShares().restore(t, Visibility.PUBLIC, hashes(e)));
            if (e.metainfo != null) {
                seed(e);
            }
        }
    }

    @Override
    public RevealReport preview(Path path) {
        return scanner.scan(path);
    }

    @Override
    public Share create(Path path, ShareOptions options, ShareProgressListener listener) {
        Path root = path.toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            throw new ShareException("nothing to share at " + root + ": no such file or folder");
        }
        // Client authorization lives on the share's own services: without any it would be listed under the node's
        // public service, i.e. open to every holder of the link. K is fixed with the share so that a later change
        // of the node's setting to 0 cannot do that either.
        java.util.OptionalInt chosenServices = options.services() == ShareOptions.NODE_SETTING
                ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(options.services());
        if (options.clientAuth()) {
            int k = context.sharedServices(chosenServices);
            if (k == 0) {
                throw new ShareException("a share for authorized clients only needs onion services of its own, and "
                        + "this node gives it none (servicesPerShare of PID org.veilswarm.share is 0, or no service keys)");
            }
            chosenServices = java.util.OptionalInt.of(k);
            if (context.transports().get().stream().noneMatch(Transport::supportsClientAuthorization)) {
                LOG.log(System.Logger.Level.WARNING, "sharing " + root + " for authorized clients only, but no bound "
                        + "transport supports client authorization (the native onion transport does): its services "
                        + "are published once one is bound");
            }
        }
        java.util.OptionalInt services = chosenServices;
        TransportAddress endpoint = awaitLinkEndpoint();
        if (!endpoint.isOnion()) {
            LOG.log(System.Logger.Level.WARNING, "sharing " + root + " with a link to " + endpoint + ": the direct "
                    + "transport is NOT ANONYMOUS (whoever has the link learns this node's IP address); bind the tor or "
                    + "onion transport for an onion link");
        }
        CancelToken cancel = new CancelToken();
        CreatedTorrent created;
        try {
            created = TorrentCreator.forPath(root)
                    .mode(options.hybrid() ? TorrentMode.HYBRID : TorrentMode.V2_ONLY)
                    .createdBy("Veilswarm")
                    .cancelToken(cancel)
                    .progressListener((done, total) -> {
                        listener.progress(done, total);
                        if (listener.cancelled()) {
                            cancel.cancel();
                        }
                    })
                    .create();
        } catch (TorrentCreationCancelledException e) {
            throw new CancellationException("sharing " + root + " was cancelled");
        } catch (IOException | MetainfoException e) {
            throw new ShareException("cannot share " + root + ": " + e.getMessage(), e);
        }
        Metainfo metainfo = created.metainfo();
        String id = metainfo.infoHashes().v2().hex();
        synchronized (this) {
            Entry existing = shares.get(id);
            if (existing != null) {
                return view(existing);
            }
            TrackerShare registered = context.trackerShares().register(Visibility.PRIVATE, Set.of(v2(metainfo)));
            Entry e = new Entry(new ShareRecord(id, root, Optional.of(registered.token()), Optional.empty(),
                    Instant.now(), services, options.clientAuth() ? Optional.of(ClientAuthSecretKey.generate())
                    : Optional.empty()));
            e.metainfo = metainfo;
            try {
                OwnerOnlyFiles.write(dir.resolve(id + ".torrent"), created.bytes());
                save(e.record);
            } catch (IOException ex) {
                context.trackerShares().revoke(registered.token());
                throw new ShareException("cannot save the share in " + dir + ": " + ex.getMessage(), ex);
            }
            shares.put(id, e);
            seed(e);
            if (options.visibility() == Visibility.PUBLIC) {
                return publish(id, false);
            }
            return view(e);
        }
    }

    /** Adds the torrent to the engine (checking the files), puts its record and announces to our own tracker. */
    private void seed(Entry e) {
        if (e.record.clientAuth().isPresent()) {
            // before the engine has the torrent: its node-wide listeners must never serve it (HiddenTorrents)
            HiddenTorrents.of(context.engine()).hide(handshakeHashes(e.metainfo));
        }
        e.keys = serviceKeys(e.record);
        Path root = e.record.path();
        // A folder holding a single file makes a single-file torrent (BEP 52 cannot say "a folder of one file", and
        // libtorrent reads such a tree the same way): its file is stored under its own name in the folder itself.
        Path downloadDir = e.metainfo.info().rootDirectory().isEmpty() && Files.isDirectory(root) ? root
                : root.getParent();
        try {
            e.session = context.engine().torrent(e.metainfo.infoHashes().v2()).orElse(null);
            if (e.session == null) {
                e.session = context.engine().add(e.metainfo, downloadDir, dir.resolve(e.record.id()),
                        TorrentOptions.defaults());
            }
            e.error = null;
        } catch (StorageException | RuntimeException ex) {
            e.error = "cannot open the shared files: " + ex.getMessage();
            LOG.log(System.Logger.Level.WARNING, "share " + e.record.id() + ": " + e.error);
            return;
        }
        putRecord(e, e.record.publicToken().isPresent() ? Visibility.PUBLIC : Visibility.PRIVATE);
        followServices();
        announceToOwnTracker(e);
    }

    /**
     * The share's K onion service keys from the node ({@code <data>/keys/shares/<id>/}), the same after a restart;
     * K is the share's own choice ({@link ShareOptions#services()}) or else the node's setting; none when K is 0 or
     * the node gives no keys. A key that cannot be read leaves the share under the node's key,
     * with a warning naming the file.
     */
    private List<ServiceKey> serviceKeys(ShareRecord record) {
        String id = record.id();
        int k = context.sharedServices(record.services());
        if (k == 0) {
            return List.of();
        }
        try {
            return List.copyOf(context.serviceKeys().orElseThrow().forShare(id, k));
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "share " + id + ": cannot use its onion service keys, so it is "
                    + "listed under the node's own onion service only: " + ex.getMessage());
            return List.of();
        }
    }

    /**
     * Keeps the shares' own onion services listening on the anonymous transports (a share with a token and a
     * running torrent: not a removed, fully revoked or failed one) and announces a share again when the set of its
     * services that listen changed, so its tracker lists exactly those.
     */
    synchronized void followServices() {
        List<ServiceKey> wanted = new ArrayList<>();
        Map<OnionAddress, ListenOptions> options = new java.util.HashMap<>();
        for (Entry e : shares.values()) {
            if (published(e)) {
                wanted.addAll(e.keys);
                e.record.clientAuth().ifPresent(pair -> e.keys.forEach(k -> options.put(k.address(),
                        ListenOptions.authorizedOnly(pair.publicKey()))));
            }
        }
        services.follow(wanted, options, context.transports().get());
        Set<OnionAddress> listening = services.listening();
        for (Entry e : shares.values()) {
            if (!published(e)) {
                continue;
            }
            Set<OnionAddress> now = new java.util.LinkedHashSet<>();
            e.keys.stream().map(ServiceKey::address).filter(listening::contains).forEach(now::add);
            if (!now.equals(e.announcedServices)) {
                LOG.log(System.Logger.Level.INFO, "share " + e.record.id() + " is on " + now.size() + " onion "
                        + "service(s) of its own: " + now);
                announceToOwnTracker(e);
            }
        }
    }

    private static boolean published(Entry e) {
        return !e.keys.isEmpty() && e.session != null && e.metainfo != null
                && (e.record.privateToken().isPresent() || e.record.publicToken().isPresent());
    }

    private void putRecord(Entry e, Visibility visibility) {
        context.store().get().ifPresent(store -> {
            store.putTorrent(record(e.metainfo, visibility, e.record.created()));
            e.recordIn = store;
        });
    }

    /**
     * Puts each seeding share's record again into a tracker store that was bound after it was put: another store
     * (the JDBC store updated, with the memory store standing in) or a new memory store (its bundle updated or
     * reinstalled, as with the {@code tracker-memory} feature) knows nothing of it, and search, scrape and the
     * snapshots mirrors take would miss the share until it was published again. Idempotent for a store that
     * holds the record already (the JDBC store bound again after a stand-in).
     */
    synchronized void followStore() {
        TrackerStore current = context.store().get().orElse(null);
        if (current == null) {
            return;
        }
        for (Entry e : shares.values()) {
            boolean tracked = e.record.privateToken().isPresent() || e.record.publicToken().isPresent();
            if (e.recordIn != current && e.session != null && e.metainfo != null && tracked) {
                putRecord(e, e.record.publicToken().isPresent() ? Visibility.PUBLIC : Visibility.PRIVATE);
                LOG.log(System.Logger.Level.INFO, "share " + e.record.id() + ": its record put into the tracker "
                        + "store bound since");
            }
        }
    }

    static TorrentRecord record(Metainfo metainfo, Visibility visibility, Instant added) {
        List<String> files = new ArrayList<>();
        for (FileEntry f : metainfo.info().files()) {
            files.add(f.path().toString());
        }
        return new TorrentRecord(v2(metainfo), metainfo.info().name(), "", Set.of(), metainfo.info().totalLength(),
                files, visibility, added);
    }

    /**
     * Announces the share to its own tracker at every endpoint the tracker listens on, each over the transport
     * that reaches it: over the direct transport the tracker records this node's IP, over an anonymous one its
     * onion address (the announce's {@code onion} parameter), so a downloader that has only tor or the onion
     * transport still finds a peer it can reach. Endpoints come and go with transports (a tor transport installed
     * into a running node): {@link #followEndpoints} announces again when they change.
     */
    private void announceToOwnTracker(Entry e) {
        announcer.stopAll(announceKeyPrefix(e.record.id()));
        TorrentSession session = e.session;
        Announcer.Progress progress = Announcer.seeding(() -> session.stats().uploaded());
        Optional<String> token = e.record.privateToken().or(() -> e.record.publicToken());
        Set<OnionAddress> listening = e.keys.isEmpty() ? Set.of() : services.listening();
        List<ServiceKey> open = e.keys.stream().filter(k -> listening.contains(k.address())).toList();
        e.announcedServices = new java.util.LinkedHashSet<>(open.stream().map(ServiceKey::address).toList());
        token.ifPresent(t -> {
            Visibility v = e.record.privateToken().isPresent() ? Visibility.PRIVATE : Visibility.PUBLIC;
            boolean clientAuth = e.record.clientAuth().isPresent();
            for (TransportAddress endpoint : context.trackerShares().endpoints()) {
                TrackerUrl url = new TrackerUrl(endpoint, prefix(v, t) + "announce");
                String key = announceKeyPrefix(e.record.id()) + endpoint;
                // A share for authorized clients only is listed under its own services alone: the node's address
                // (its public onion service, or its IP over direct) would serve it to every holder of the link.
                if (!clientAuth) {
                    announcer.keepAnnouncing(key, url, v2(e.metainfo), AnnounceEvent.STARTED, progress);
                }
                if (!overAnonymousTransport(endpoint)) {
                    continue;
                }
                // K-way multiplexing: over an anonymous transport the share is also listed once per service of its
                // own that listens, each with its own peer id; services still being published are announced once
                // they listen (followServices). The entry under the node's address stays: the link names the node,
                // whose service is up from the start, and "listening" is not "reachable" on every transport (tor
                // completes ADD_ONION before the descriptor is uploaded), while a downloader asks for the metadata
                // only from the peers it is given first.
                for (ServiceKey service : open) {
                    announcer.keepAnnouncing(key + "#" + service.address(), url, v2(e.metainfo), AnnounceEvent.STARTED,
                            progress, new Announcer.AnnounceAs(services.peerId(service), service.address()));
                }
            }
        });
    }

    /** Whether announces to {@code endpoint} go over an anonymous transport (they then name an onion address). */
    private boolean overAnonymousTransport(TransportAddress endpoint) {
        return context.transportFor(endpoint)
                .map(t -> t.info().anonymity() != org.veilswarm.api.transport.Anonymity.NONE).orElse(false);
    }

    private static String announceKeyPrefix(String shareId) {
        return "share:" + shareId + "@";
    }

    /** Announces every seeding share again when the tracker's endpoints changed since the last look. */
    synchronized void followEndpoints() {
        List<TransportAddress> now = List.copyOf(context.trackerShares().endpoints());
        if (now.equals(announcedEndpoints)) {
            return;
        }
        if (!shares.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "the tracker listens on " + now + " (was " + announcedEndpoints
                    + "): announcing " + shares.size() + " share(s) there");
        }
        announcedEndpoints = now;
        for (Entry e : shares.values()) {
            if (e.session != null && e.metainfo != null) {
                announceToOwnTracker(e);
            }
        }
    }

    static String prefix(Visibility v, String token) {
        return "/" + (v == Visibility.PUBLIC ? "public" : "private") + "/" + token + "/";
    }

    /** Where links point, by {@link LinkSettings#policy()}. */
    private Optional<TransportAddress> ownEndpoint() {
        return linkEndpoint(context.trackerShares().endpoints(), context.links().policy());
    }

    /**
     * The endpoint a link names: PREFER_ONION an onion endpoint if there is one, else the first; ONION_ONLY an
     * onion endpoint or none; DIRECT a non-onion endpoint if there is one, else the first.
     */
    static Optional<TransportAddress> linkEndpoint(List<TransportAddress> endpoints, LinkSettings.Policy policy) {
        Optional<TransportAddress> onion = endpoints.stream().filter(TransportAddress::isOnion).findFirst();
        return switch (policy) {
            case PREFER_ONION -> onion.or(() -> endpoints.stream().findFirst());
            case ONION_ONLY -> onion;
            case DIRECT -> endpoints.stream().filter(a -> !a.isOnion()).findFirst().or(() -> endpoints.stream().findFirst());
        };
    }

    /**
     * The endpoint a new share's link names. An anonymous transport that is bound but has not published the
     * tracker yet (tor still bootstrapping, a descriptor on its way) is waited for, up to
     * {@link LinkSettings#onionWait()}, unless the policy is DIRECT: a link made a moment too early would name the
     * direct transport for good in whatever the user copied.
     */
    private TransportAddress awaitLinkEndpoint() {
        LinkSettings links = context.links();
        long deadline = System.nanoTime() + links.onionWait().toNanos();
        while (links.policy() != LinkSettings.Policy.DIRECT && context.anonymousTransportBound()
                && context.trackerShares().endpoints().stream().noneMatch(TransportAddress::isOnion)
                && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for the tracker's onion service");
            }
        }
        List<TransportAddress> endpoints = context.trackerShares().endpoints();
        Optional<TransportAddress> chosen = linkEndpoint(endpoints, links.policy());
        if (chosen.isPresent()) {
            return chosen.get();
        }
        if (links.policy() == LinkSettings.Policy.ONION_ONLY) {
            throw new ShareException("links must name an onion service (link transport 'onion-only') but the tracker "
                    + "listens on no anonymous transport" + (endpoints.isEmpty() ? "" : " (only on " + endpoints + ")")
                    + (context.anonymousTransportBound() ? " after " + links.onionWait().toSeconds() + " s: see the tor "
                    + "or onion transport's state" : ": install the tor or onion transport"));
        }
        throw new ShareException("the tracker listens on no transport yet, so a share would have no link");
    }

    @Override
    public synchronized List<Share> list() {
        return shares.values().stream().map(this::view).toList();
    }

    @Override
    public synchronized Optional<Share> get(String id) {
        return Optional.ofNullable(shares.get(id)).map(this::view);
    }

    @Override
    public synchronized Share publish(String id, boolean revokePrivate) {
        Entry e = require(id);
        if (e.record.publicToken().isPresent()) {
            return view(e);
        }
        TrackerShare published;
        if (e.record.privateToken().isPresent()) {
            published = context.trackerShares().publish(e.record.privateToken().get(), revokePrivate)
                    .orElseGet(() -> context.trackerShares().register(Visibility.PUBLIC, hashes(e)));
        } else {
            published = context.trackerShares().register(Visibility.PUBLIC, hashes(e));
        }
        ShareRecord updated = e.record.withPublicToken(Optional.of(published.token()));
        if (revokePrivate) {
            updated = updated.withPrivateToken(Optional.empty());
        }
        commit(e, updated);
        if (e.metainfo != null) {
            putRecord(e, Visibility.PUBLIC);
            if (e.session != null) {
                announceToOwnTracker(e);
            }
        }
        return view(e);
    }

    @Override
    public synchronized Share revoke(String id, Visibility visibility) {
        Entry e = require(id);
        Optional<String> token = visibility == Visibility.PUBLIC ? e.record.publicToken() : e.record.privateToken();
        token.ifPresent(context.trackerShares()::revoke);
        commit(e, visibility == Visibility.PUBLIC ? e.record.withPublicToken(Optional.empty())
                : e.record.withPrivateToken(Optional.empty()));
        followServices(); // a share without a token left is withdrawn from its services
        if (e.session != null) {
            announceToOwnTracker(e);
        }
        return view(e);
    }

    @Override
    public boolean remove(String id) {
        Entry e;
        synchronized (this) {
            e = shares.remove(id);
            if (e == null) {
                return false;
            }
            e.record.privateToken().ifPresent(context.trackerShares()::revoke);
            e.record.publicToken().ifPresent(context.trackerShares()::revoke);
            announcer.stopAll(announceKeyPrefix(id));
            followServices(); // withdraws the share's services at once
            if (e.metainfo != null) {
                HiddenTorrents.of(context.engine()).unhide(handshakeHashes(e.metainfo));
            }
            try {
                // Also when K is 0 now: keys made under an earlier K retire with the share.
                context.serviceKeys().ifPresent(keys -> keys.deleteShare(id));
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete the onion service keys of share " + id + ": "
                        + ex.getMessage());
            }
            try {
                Files.deleteIfExists(dir.resolve(id + ".share"));
                Files.deleteIfExists(dir.resolve(id + ".torrent"));
            } catch (IOException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete the files of share " + id + ": " + ex.getMessage());
            }
        }
        if (e.session != null) {
            e.session.close();
        }
        if (e.metainfo != null) {
            context.store().get().ifPresent(store -> store.removeTorrent(v2(e.metainfo)));
        }
        FileTrees.delete(dir.resolve(id));
        return true;
    }

    private void commit(Entry e, ShareRecord updated) {
        try {
            save(updated);
        } catch (IOException ex) {
            throw new ShareException("cannot save share " + e.record.id() + ": " + ex.getMessage(), ex);
        }
        e.record = updated;
    }

    private void save(ShareRecord record) throws IOException {
        OwnerOnlyFiles.write(dir.resolve(record.id() + ".share"), record.encode());
    }

    private Entry require(String id) {
        Entry e = shares.get(id);
        if (e == null) {
            throw new ShareException("no share " + id);
        }
        return e;
    }

    private Share view(Entry e) {
        Optional<TransportAddress> endpoint = ownEndpoint();
        Optional<ShareLink> privateLink = e.record.privateToken().flatMap(
                t -> endpoint.map(a -> new ShareLink(a, Visibility.PRIVATE, t)));
        Optional<ShareLink> publicLink = e.record.publicToken().flatMap(
                t -> endpoint.map(a -> new ShareLink(a, Visibility.PUBLIC, t)));
        ShareState state;
        String error = e.error;
        long uploaded = 0;
        int peers = 0;
        if (e.session == null) {
            state = ShareState.FAILED;
        } else {
            TorrentStats s = e.session.stats();
            uploaded = s.uploaded();
            peers = s.peers().size();
            state = switch (s.state()) {
                case SEEDING -> ShareState.SEEDING;
                // The engine checks the files when the torrent is added: a seed that lacks pieces has files that
                // changed or went away, and nobody will give the owner its own files back.
                case DOWNLOADING -> ShareState.FAILED;
                case STOPPED, FAILED -> ShareState.FAILED;
            };
            if (state == ShareState.FAILED && error == null) {
                error = switch (s.state()) {
                    case FAILED -> s.failureReason();
                    case DOWNLOADING -> "the shared files changed or are missing: " + s.verifiedPieces() + " of "
                            + s.pieceCount() + " pieces verify";
                    default -> "stopped";
                };
            }
        }
        String name = e.metainfo != null ? e.metainfo.info().name() : String.valueOf(e.record.path().getFileName());
        long size = e.metainfo != null ? e.metainfo.info().totalLength() : 0;
        int count = e.metainfo != null ? e.metainfo.info().files().size() : 0;
        return new Share(e.record.id(), name, e.record.path(), size, count, privateLink, publicLink,
                e.record.created(), state, Optional.ofNullable(error), uploaded, peers,
                e.record.clientAuth().map(pair -> pair.secret().base32()));
    }

    /** The 20-byte info-hashes a BEP 3 handshake may name the torrent by: truncated v2 (BEP 52), and v1 if hybrid. */
    private static List<byte[]> handshakeHashes(Metainfo metainfo) {
        List<byte[]> hashes = new ArrayList<>();
        hashes.add(metainfo.infoHashes().v2Truncated().bytes());
        metainfo.infoHashes().v1().ifPresent(v1 -> hashes.add(v1.bytes()));
        return hashes;
    }

    private static InfoHash v2(Metainfo metainfo) {
        return InfoHash.of(metainfo.infoHashes().v2().bytes());
    }

    private static Set<InfoHash> hashes(Entry e) {
        if (e.metainfo != null) {
            return Set.of(v2(e.metainfo));
        }
        return Set.of(InfoHash.ofHex(e.record.id()));
    }

    /** The onion services of share {@code id} that listen now, in key order (tests, logs). */
    synchronized List<OnionAddress> servicesOf(String id) {
        Entry e = shares.get(id);
        if (e == null) {
            return List.of();
        }
        Set<OnionAddress> listening = services.listening();
        return e.keys.stream().map(ServiceKey::address).filter(listening::contains).toList();
    }

    @Override
    public void close() {
        announcer.close();
        services.close();
    }
}
