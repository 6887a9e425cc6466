package org.veilswarm.swarm.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.peerwire.AllowedFast;
import org.veilswarm.peerwire.Bitfield;
import org.veilswarm.peerwire.ExtendedHandshake;
import org.veilswarm.peerwire.HandshakeCompleted;
import org.veilswarm.peerwire.HandshakeHandler;
import org.veilswarm.peerwire.HashRequest;
import org.veilswarm.peerwire.Have;
import org.veilswarm.peerwire.KnownTorrent;
import org.veilswarm.peerwire.MetadataRequest;
import org.veilswarm.peerwire.PeerMessage;
import org.veilswarm.peerwire.PeerWireException;
import org.veilswarm.peerwire.Piece;
import org.veilswarm.peerwire.ProtocolVersion;
import org.veilswarm.peerwire.Signal;
import org.veilswarm.peerwire.metadata.MetadataServer;
import org.veilswarm.swarm.picker.BlockArrival;
import org.veilswarm.swarm.picker.BlockRequest;
import org.veilswarm.swarm.picker.FailedPiece;
import org.veilswarm.swarm.picker.PeerRequest;
import org.veilswarm.swarm.picker.PiecePicker;
import org.veilswarm.swarm.storage.BlockResult;
import org.veilswarm.swarm.storage.PieceStore;
import org.veilswarm.swarm.storage.StorageException;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

/**
 * One torrent in a {@link SwarmEngine}: its {@link PieceStore}, its {@link PiecePicker} and its peer
 * connections on any number of transports.
 *
 * <p>Threads: all peer and picker state lives on the torrent's own single thread (events from the
 * connections' event loops are queued to it); disk reads, writes and hashing run on a second thread, so
 * verifying a piece never stalls the protocol. A storage error (disk full, permission denied) fails this
 * torrent only: state {@link TorrentState#FAILED} with the reason, connections closed, and what was
 * verified before stays in the resume data.
 */
public final class TorrentSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TorrentSession.class.getName());
    private static final long SECOND = 1_000_000_000L;
    /** Reads one peer may have in flight between the disk thread and its socket. */
    private static final int READS_IN_FLIGHT = 16;
    /** Received blocks waiting for the disk thread before we stop reading from sockets. */
    private static final long DISK_BACKLOG_LIMIT = 64L << 20;
    /** BEP 10 {@code reqq} when the peer sends none (libtorrent's default). */
    private static final int DEFAULT_PEER_REQUEST_QUEUE = 250;
    /** A peer that answers none of our pending requests for this long has them given to others. */
    private static final long SNUB_NANOS = 30 * SECOND;
    /** BEP 6 allowed-fast pieces offered to each fast peer we choke. */
    private static final int ALLOWED_FAST_COUNT = 4;

    private final SwarmEngine engine;
    private final Metainfo metainfo;
    private final InfoDictionary info;
    private final KnownTorrent known;
    /** Failed dials to peers, logged rate-limited with the transport's reason. */
    private final DialFailures dialFailures;
    private final TorrentOptions options;
    private final PieceStore store;
    private final PiecePicker<PeerConnection> picker;
    private final HashRequestServer hashServer;
    private final MetadataServer metadataServer;
    private final ScheduledExecutorService loop;
    private final ThreadPoolExecutor disk;
    private final ExecutorService sync;
    private volatile Thread loopThread;

    // --- torrent-thread state --------------------------------------------------------------------------
    private final Set<PeerConnection> peers = new LinkedHashSet<>();
    private final Set<TransportAddress> dialing = new HashSet<>();
    private final BitSet have;
    private long verifiedBytes;
    private long downloaded;
    private long uploaded;
    private int hashFailures;
    private final RateMeter downMeter;
    private final RateMeter upMeter;
    private long lastRechoke;
    private long lastKeepAlive;
    /** When a refused duplicate connection was last logged (0: never). */
    private long lastDuplicateLog;
    private boolean readingPaused;

    private final AtomicLong diskBacklog = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean commitScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<TorrentListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private volatile TorrentState state;
    private volatile String failureReason = "";
    private volatile TorrentStats lastStats;

    TorrentSession(SwarmEngine engine, Metainfo metainfo, Path downloadDir, Path stateDir, TorrentOptions options)
            throws StorageException {
        this.engine = engine;
        this.metainfo = metainfo;
        this.info = metainfo.info();
        this.known = new KnownTorrent(info.infoHashes(), info.pieceCount());
        this.dialFailures = new DialFailures("torrent " + info.name(), System::nanoTime);
        this.options = options;
        this.store = PieceStore.open(metainfo, downloadDir, stateDir, options.storage());
        this.picker = PiecePicker.forTorrent(info, options.picker(), new Random());
        this.hashServer = new HashRequestServer(metainfo);
        this.metadataServer = MetadataServer.of(info);
        this.have = store.verifiedPieces();
        picker.haveAlready(have);
        have.stream().forEach(p -> verifiedBytes += pieceSize(p));
        this.state = have.cardinality() == info.pieceCount() ? TorrentState.SEEDING : TorrentState.DOWNLOADING;
        if (state == TorrentState.SEEDING) {
            completion.complete(null);
        }
        long now = System.nanoTime();
        this.downMeter = new RateMeter(now);
        this.upMeter = new RateMeter(now);
        this.lastRechoke = now;
        this.lastKeepAlive = now;
        String name = info.infoHashes().v2().hex().substring(0, 8);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veilswarm-torrent-" + name);
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        this.disk = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "veilswarm-disk-" + name);
            t.setDaemon(true);
            return t;
        });
        this.sync = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "veilswarm-sync-" + name);
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    // --- public API ------------------------------------------------------------------------------------

    public Metainfo metainfo() {
        return metainfo;
    }

    public TorrentState state() {
        return state;
    }

    /** Why the torrent failed; empty unless it is {@link TorrentState#FAILED}. */
    public Optional<String> failureReason() {
        return state == TorrentState.FAILED ? Optional.of(failureReason) : Optional.empty();
    }

    /** Completes when every piece is verified; completes exceptionally when the torrent fails or stops first. */
    public CompletableFuture<Void> completion() {
        return completion.copy();
    }

    /** The verified pieces (read from the storage, which is thread-safe). */
    public BitSet verifiedPieces() {
        return store.verifiedPieces();
    }

    /** How storage decided, when the torrent was added, which pieces were already verified. */
    public org.veilswarm.swarm.storage.OpenReport openReport() {
        return store.openReport();
    }

    public void addListener(TorrentListener listener) {
        listeners.add(listener);
    }

    /** Connects to a peer through the first transport of the engine that can reach the address. */
    public CompletionStage<Void> connect(TransportAddress address) {
        Optional<Transport> transport = engine.transportFor(address);
        if (transport.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no transport of this engine can reach "
                    + address + " (add one with SwarmEngine.addTransport or listen)"));
        }
        return connect(transport.get(), address);
    }

    /**
     * Connects to a peer through {@code transport}. Completes when both handshakes are exchanged; a connection
     * to an address already being dialled, or already connected by us and heard from within
     * {@link #staleAfterNanos()}, completes at once without a dial.
     */
    public CompletionStage<Void> connect(Transport transport, TransportAddress address) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        execute(() -> {
            if (!isActive()) {
                result.completeExceptionally(new IllegalStateException("torrent is " + state));
                return;
            }
            // A downloader dials every known peer again on each tracker answer. A second connection to a peer we
            // hear from would only be closed as a duplicate (keepNewOverExisting), over onion services after a
            // rendezvous circuit was built for it. A silent one is dialled again: the peer's end may be gone.
            if (hearsFrom(address, System.nanoTime())) {
                result.complete(null);
                return;
            }
            if (!dialing.add(address)) {
                result.complete(null);
                return;
            }
            String scheme = transport.info().scheme();
            PeerConnection peer = new PeerConnection(engine, this, scheme, address, true);
            boolean useV1 = options.hybridUseV1Hash() && info.isHybrid();
            ChannelInitializer<Channel> init = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("peer", HandshakeHandler.initiator(known, useV1, engine.config().peerId(),
                            engine.config().limits(), SwarmEngine.UT_METADATA_ID));
                    ch.pipeline().addLast("swarm", peer);
                }
            };
            transport.connect(address, init).whenComplete((channel, error) -> {
                execute(() -> dialing.remove(address));
                if (error != null) {
                    dialFailures.failed(address, DialFailures.reason(error));
                    result.completeExceptionally(error);
                }
            });
            peer.handshaken.whenComplete((v, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(null);
                }
            });
        });
        return result;
    }

    /** A snapshot of progress, rates and peers. */
    public TorrentStats stats() {
        if (Thread.currentThread() == loopThread || loop.isShutdown()) {
            TorrentStats s = lastStats;
            return s != null && loop.isShutdown() ? s : snapshot();
        }
        try {
            return loop.submit(this::snapshot).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lastStats != null ? lastStats : snapshot();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return lastStats != null ? lastStats : snapshot();
        }
    }

    /**
     * Stops the torrent: closes its connections, writes resume data and releases its files and threads.
     * Waits for the torrent's threads; do not call it from a listener.
     */
    @Override
    public void close() {
        if (loop.isShutdown()) {
            return;
        }
        try {
            loop.submit(() -> {
                if (state != TorrentState.FAILED) {
                    setState(TorrentState.STOPPED, "stopped");
                }
                peers.forEach(this::account);
                List.copyOf(peers).forEach(p -> p.close("torrent stopped"));
                lastStats = snapshot();
            }).get(30, TimeUnit.SECONDS);
            disk.submit(() -> {
                try {
                    store.close();
                } catch (StorageException e) {
                    LOG.log(Level.WARNING, "closing the storage of " + info.name() + ": " + e.getMessage());
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(Level.WARNING, "stopping " + info.name(), e);
        } finally {
            loop.shutdownNow();
            disk.shutdownNow();
            sync.shutdownNow();
            engine.removed(this);
        }
    }

    @Override
    public String toString() {
        return "TorrentSession[" + info.name() + ", " + state + "]";
    }

    // --- package API used by the engine and connections --------------------------------------------------

    KnownTorrent known() {
        return known;
    }

    TorrentOptions options() {
        return options;
    }

    void execute(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "torrent " + info.name() + ": unexpected error", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // The torrent is closed; the channel is being closed as well.
        }
    }

    private boolean isActive() {
        return state == TorrentState.DOWNLOADING || state == TorrentState.SEEDING;
    }

    // --- connection life ------------------------------------------------------------------------------

    void attach(PeerConnection peer, HandshakeCompleted completed) {
        Channel channel = peer.channel;
        if (!isActive()) {
            peer.close("torrent is " + state);
            return;
        }
        peer.peerId = completed.remote().peerId();
        peer.version = completed.version();
        peer.fast = completed.remote().reserved().fast();
        peer.extensions = completed.remote().reserved().extensionProtocol();
        if (Arrays.equals(peer.peerId, engine.config().peerId())) {
            peer.close("connected to ourselves");
            return;
        }
        // One connection per pair of peer ids: a node presenting another peer id on each of its onion services
        // (K-way multiplexing) is K peers, and so is a downloader connected to K of them, seen from that node.
        PeerConnection existing = peers.stream().filter(p -> Arrays.equals(p.peerId, peer.peerId)
                && Arrays.equals(p.localPeerId, peer.localPeerId)).findFirst().orElse(null);
        long attachedAt = System.nanoTime();
        if (existing != null && !keepNewOverExisting(peer, existing, attachedAt)) {
            logDuplicate(peer, existing, attachedAt, false);
            peer.close("duplicate connection");
            return;
        }
        if (existing != null) {
            if (peer.outbound == existing.outbound) {
                logDuplicate(peer, existing, attachedAt, true);
            }
            existing.close("duplicate connection");
            peerLeft(existing);
        }
        if (peer.address == null && channel.remoteAddress() instanceof java.net.InetSocketAddress remote) {
            peer.address = new TransportAddress(remote.getAddress().getHostAddress(), remote.getPort());
        }
        long now = System.nanoTime();
        peer.downMeter = new RateMeter(now);
        peer.upMeter = new RateMeter(now);
        peer.lastBlockNanos = now;
        peer.connectedAtNanos = now;
        peer.lastHeardNanos = now;
        peer.attached = true;
        peers.add(peer);
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 << 10, 1 << 20));
        if (readingPaused) {
            channel.config().setAutoRead(false);
        }
        // BEP 3/6: bitfield, have all or have none must be the first message after the handshake.
        int count = have.cardinality();
        if (peer.fast && count == info.pieceCount()) {
            channel.write(Signal.HAVE_ALL);
        } else if (peer.fast && count == 0) {
            channel.write(Signal.HAVE_NONE);
        } else if (count > 0) {
            channel.write(Bitfield.of(info.pieceCount(), have));
        }
        if (peer.extensions) {
            // BEP 10 handshake; BEP 9 metadata_size lets a peer that came with a magnet link fetch the info.
            channel.write(ExtendedHandshake.builder()
                    .extension(ExtendedHandshake.UT_METADATA, SwarmEngine.UT_METADATA_ID)
                    .metadataSize(metadataServer.metadataSize())
                    .client(engine.config().clientName())
                    .requestQueue(options.maxIncomingRequests())
                    .build());
        }
        if (peer.fast && count > 0) {
            offerAllowedFast(peer);
        }
        channel.flush();
        peer.handshaken.complete(null);
        maybeUnchoke();
    }

    /** BEP 6 "Allowed Fast": a few pieces we have that the peer may request while we choke it. */
    private void offerAllowedFast(PeerConnection peer) {
        if (peer.address == null) {
            return;
        }
        for (int piece : AllowedFastOffer.pieces(peer.address, info.pieceCount(), known.infoHashes().v2Truncated(),
                ALLOWED_FAST_COUNT)) {
            if (have.get(piece)) {
                peer.allowedFast.add(piece);
                peer.channel.write(new AllowedFast(piece));
            }
        }
    }

    /**
     * Of two connections between the same pair of peer ids, which one stays.
     *
     * <p>Opened in opposite directions (both sides dialled at once): both sides keep the one opened by the smaller
     * peer id, so they agree without a word. Opened in the same direction: the peer dialled again, which it does
     * only when its end of the old connection is gone or has heard nothing from us for {@link #staleAfterNanos()}
     * ({@link #connect}). Over onion services an end can go without the close reaching the other (a rendezvous
     * circuit dies without its DESTROY cell, the peer's transport bundle is replaced): the other end then looks
     * open but carries nothing, and refusing every new connection would shut the peer out until the idle timeout
     * (3 min). So the new one replaces an old one that has carried nothing for {@link #staleAfterNanos()}; a live
     * old one stays and the new one is closed as a duplicate (a second address of the same peer,
     * ServicePeerIdTest). Both ends judge alike because a live connection carries a keep-alive each way every
     * {@link #keepAliveNanos()}; the new connection has just been heard from, so it is not replaced in turn before
     * it too has been silent that long (no flapping between two live connections).
     */
    private boolean keepNewOverExisting(PeerConnection fresh, PeerConnection existing, long now) {
        if (fresh.outbound == existing.outbound) {
            return now - existing.lastHeardNanos >= staleAfterNanos();
        }
        byte[] ours = fresh.localPeerId;
        byte[] freshInitiator = fresh.outbound ? ours : fresh.peerId;
        byte[] existingInitiator = existing.outbound ? ours : existing.peerId;
        return Arrays.compareUnsigned(freshInitiator, existingInitiator) < 0;
    }

    /** We opened an attached connection to {@code address} and heard from it within {@link #staleAfterNanos()}. */
    private boolean hearsFrom(TransportAddress address, long now) {
        return peers.stream().anyMatch(p -> p.outbound && address.equals(p.address)
                && now - p.lastHeardNanos < staleAfterNanos());
    }

    /**
     * How long a connection must have carried nothing from the peer before we take it for dead on the peer's
     * side: dial its address again, and let a new connection of the same peer in the same direction replace it.
     * A ninth of the idle timeout (20 s of the default 3 min), four keep-alive intervals ({@link #keepAliveNanos()}).
     */
    private long staleAfterNanos() {
        return engine.config().idleTimeout().toNanos() / 9;
    }

    /**
     * How often every connection gets a keep-alive: a quarter of {@link #staleAfterNanos()} (5 s by default; BEP 3
     * only says keep-alives are "generally sent once every two minutes"). So a live connection carries something
     * both ways well within that time, however idle, and both of its ends tell a live connection from a dead one
     * alike: neither replaces a live one, whichever side was quiet (keepNewOverExisting). Costs 4 bytes (one onion
     * cell) per connection every 5 s.
     */
    private long keepAliveNanos() {
        return staleAfterNanos() / 4;
    }

    /** Same-direction duplicates at INFO (at most one refused one per {@link DialFailures#LOG_EVERY_NANOS}). */
    private void logDuplicate(PeerConnection fresh, PeerConnection existing, long now, boolean replaced) {
        String silentMillis = Long.toString((now - existing.lastHeardNanos) / 1_000_000);
        if (replaced) {
            LOG.log(Level.INFO, "torrent {0}: peer {1} ({2}) connected again; its old connection carried nothing for"
                    + " {3} ms and is replaced", new Object[] {info.name(), fresh.peerIdHex(), fresh.address,
                            silentMillis});
        } else if (fresh.outbound == existing.outbound
                && (lastDuplicateLog == 0 || now - lastDuplicateLog >= DialFailures.LOG_EVERY_NANOS)) {
            lastDuplicateLog = now;
            LOG.log(Level.INFO, "torrent {0}: new connection of peer {1} ({2}) closed as a duplicate; its old one"
                    + " heard from it {3} ms ago", new Object[] {info.name(), fresh.peerIdHex(), fresh.address,
                            silentMillis});
        }
    }

    void peerLeft(PeerConnection peer) {
        if (!peers.remove(peer)) {
            return;
        }
        account(peer);
        picker.peerLeft(peer);
        peer.uploadQueue.clear();
        if (state == TorrentState.DOWNLOADING) {
            peers.forEach(this::fillRequests);
        }
        maybeUnchoke();
    }

    // --- messages ---------------------------------------------------------------------------------------

    void onMessage(PeerConnection peer, PeerMessage message) {
        if (!peer.attached) {
            return;
        }
        peer.lastHeardNanos = System.nanoTime();
        try {
            handle(peer, message);
        } catch (PeerWireException | IllegalArgumentException | IndexOutOfBoundsException e) {
            peer.close("protocol error: " + e.getMessage());
        }
    }

    private void handle(PeerConnection peer, PeerMessage message) {
        if (message instanceof Signal signal) {
            onSignal(peer, signal);
        } else if (message instanceof Have h) {
            picker.peerHave(peer, h.piece());
            peer.has.set(h.piece());
            updateInterest(peer);
        } else if (message instanceof Bitfield b) {
            b.validate(info.pieceCount());
            peer.has = b.pieces();
            picker.peerBitfield(peer, peer.has);
            updateInterest(peer);
        } else if (message instanceof org.veilswarm.peerwire.BlockRequest r) {
            switch (r.kind()) {
                case REQUEST -> onRequest(peer, r);
                case CANCEL -> peer.uploadQueue.remove(org.veilswarm.peerwire.BlockRequest.request(r.piece(), r.offset(), r.length()));
                case REJECT -> {
                    picker.requestDropped(peer, pickerBlock(r.piece(), r.offset(), r.length()));
                    // Asked again at the next refill: from this peer only if it still unchokes us.
                }
            }
        } else if (message instanceof AllowedFast a) {
            picker.peerAllowedFast(peer, a.piece());
            fillRequests(peer);
        } else if (message instanceof ExtendedHandshake h) {
            peer.client = h.client().orElse("");
            peer.theirRequestQueue = h.requestQueue().orElse(0);
            peer.theirUtMetadata = h.extensionId(ExtendedHandshake.UT_METADATA).orElse(0);
        } else if (message instanceof MetadataRequest r) {
            serveMetadata(peer, r);
        } else if (message instanceof HashRequest r) {
            peer.channel.writeAndFlush(hashServer.answer(r.range()));
        }
        // suggest piece, DHT port, hashes, hash reject, metadata reject: nothing to do for a torrent we hold
    }

    private void onSignal(PeerConnection peer, Signal signal) {
        switch (signal) {
            case CHOKE -> {
                peer.peerChoking = true;
                picker.peerChoking(peer, true);
                if (!peer.fast) {
                    // BEP 3: a choke drops every pending request; BEP 6 peers reject them one by one instead.
                    picker.releaseRequests(peer);
                    peers.forEach(this::fillRequests);
                }
            }
            case UNCHOKE -> {
                peer.peerChoking = false;
                picker.peerChoking(peer, false);
                fillRequests(peer);
            }
            case INTERESTED -> {
                peer.peerInterested = true;
                maybeUnchoke();
            }
            case NOT_INTERESTED -> peer.peerInterested = false;
            case HAVE_ALL -> {
                peer.seed = true;
                peer.has.set(0, info.pieceCount());
                picker.peerHaveAll(peer);
                updateInterest(peer);
                if (state == TorrentState.SEEDING) {
                    peer.close("both seeding");
                }
            }
            case HAVE_NONE -> {
                peer.has.clear();
                picker.peerHaveNone(peer);
                updateInterest(peer);
            }
            case KEEP_ALIVE -> {
            }
        }
    }

    // --- downloading ------------------------------------------------------------------------------------

    private void updateInterest(PeerConnection peer) {
        boolean want = state == TorrentState.DOWNLOADING && wantsFrom(peer);
        if (want != peer.amInterested) {
            peer.amInterested = want;
            peer.channel.writeAndFlush(want ? Signal.INTERESTED : Signal.NOT_INTERESTED);
        }
        if (want) {
            fillRequests(peer);
        }
        if (state == TorrentState.SEEDING && peer.has.cardinality() == info.pieceCount()) {
            peer.close("both seeding");
        }
    }

    private boolean wantsFrom(PeerConnection peer) {
        BitSet missing = (BitSet) peer.has.clone();
        missing.andNot(have);
        return !missing.isEmpty();
    }

    /** Keeps {@code requestQueueDepth} requests pending at the peer, within the download limits. */
    void fillRequests(PeerConnection peer) {
        if (state != TorrentState.DOWNLOADING || !peer.attached || !peer.amInterested || peer.refillScheduled) {
            return;
        }
        int depth = Math.min(options.requestQueueDepth(),
                peer.theirRequestQueue > 0 ? peer.theirRequestQueue : DEFAULT_PEER_REQUEST_QUEUE);
        int pending = picker.pendingCount(peer);
        if (pending > depth - Math.max(1, depth / 4)) {
            return; // refill in batches of a quarter of the queue: the picker scans every piece per call
        }
        boolean limited = engine.config().downloadLimit() != RateLimiter.UNLIMITED
                || options.downloadLimit() != RateLimiter.UNLIMITED;
        List<BlockRequest> requests;
        if (!limited) {
            requests = picker.nextRequests(peer, depth);
        } else {
            requests = new ArrayList<>();
            while (pending < depth) {
                List<BlockRequest> one = picker.nextRequests(peer, pending + 1);
                if (one.isEmpty()) {
                    break;
                }
                requests.addAll(one);
                pending++;
                long delay = Math.max(engine.config().downloadLimit().reserve(one.get(0).length()),
                        options.downloadLimit().reserve(one.get(0).length()));
                if (delay > 0) {
                    peer.refillScheduled = true;
                    loop.schedule(() -> {
                        peer.refillScheduled = false;
                        fillRequests(peer);
                    }, delay, TimeUnit.NANOSECONDS);
                    break;
                }
            }
        }
        if (requests.isEmpty()) {
            return;
        }
        for (BlockRequest r : requests) {
            peer.channel.write(org.veilswarm.peerwire.BlockRequest.request(r.piece(), r.offset(), r.length()));
        }
        peer.channel.flush();
    }

    void onBlock(PeerConnection peer, int piece, int offset, byte[] data) {
        long now = System.nanoTime();
        downloaded += data.length;
        peer.downloaded += data.length;
        downMeter.add(data.length, now);
        if (peer.downMeter != null) {
            peer.downMeter.add(data.length, now);
        }
        peer.lastBlockNanos = now;
        peer.lastHeardNanos = now;
        if (state != TorrentState.DOWNLOADING || !peer.attached) {
            return;
        }
        int size = pieceSize(piece);
        if (offset >= size) {
            peer.close("block at offset " + offset + " beyond piece " + piece + " of " + size + " bytes");
            return;
        }
        BlockArrival<PeerConnection> arrival = picker.blockReceived(peer, pickerBlock(piece, offset, data.length));
        sendCancels(arrival.cancels());
        if (arrival.useful()) {
            long backlog = diskBacklog.addAndGet(data.length);
            disk.execute(() -> write(peer, piece, offset, data));
            if (backlog > DISK_BACKLOG_LIMIT && !readingPaused) {
                readingPaused = true;
                peers.forEach(p -> p.channel.config().setAutoRead(false));
            }
        }
        fillRequests(peer);
    }

    /** The picker's key for a block: a tail block padded to 16 KiB (libtorrent's implicit pad) counts at its real length. */
    private BlockRequest pickerBlock(int piece, int offset, int length) {
        int size = pieceSize(piece);
        return new BlockRequest(piece, offset, Math.max(1, Math.min(length, size - offset)));
    }

    /**
     * On the disk thread. Pieces are written with group commit ({@link PieceStore#writeBlockUncommitted}):
     * the sync thread forces and checkpoints whatever was written while its previous round ran, so the
     * fsyncs never stall hashing and writing. Only committed pieces are announced, so {@code have} still
     * means verified and durable.
     */
    private void write(PeerConnection peer, int piece, int offset, byte[] data) {
        try {
            BlockResult result = store.writeBlockUncommitted(piece, offset, data);
            if (result == BlockResult.PIECE_HASH_FAILED) {
                execute(() -> pieceFailed(piece));
            } else if (result == BlockResult.PIECE_WRITTEN) {
                scheduleCommit();
            }
        } catch (StorageException e) {
            execute(() -> fail(e.getMessage()));
        } catch (IllegalArgumentException e) {
            execute(() -> peer.close("protocol error: " + e.getMessage()));
        } finally {
            long backlog = diskBacklog.addAndGet(-data.length);
            if (backlog < DISK_BACKLOG_LIMIT / 2) {
                execute(this::resumeReading);
            }
        }
    }

    private void scheduleCommit() {
        if (commitScheduled.compareAndSet(false, true)) {
            try {
                sync.execute(this::commitRounds);
            } catch (RejectedExecutionException e) {
                commitScheduled.set(false); // closing: close() commits what is left
            }
        }
    }

    /** On the sync thread: commit rounds until nothing written is left uncommitted. */
    private void commitRounds() {
        try {
            while (store.uncommittedPieces() > 0) {
                BitSet done = store.commit();
                if (!done.isEmpty()) {
                    execute(() -> done.stream().forEach(this::pieceVerified));
                }
            }
        } catch (StorageException e) {
            execute(() -> fail(e.getMessage()));
            return;
        } finally {
            commitScheduled.set(false);
        }
        if (store.uncommittedPieces() > 0) {
            scheduleCommit(); // written between the last check and clearing the flag
        }
    }

    private void resumeReading() {
        if (readingPaused && diskBacklog.get() < DISK_BACKLOG_LIMIT / 2) {
            readingPaused = false;
            peers.forEach(p -> p.channel.config().setAutoRead(true));
        }
    }

    private void pieceVerified(int piece) {
        if (state != TorrentState.DOWNLOADING || have.get(piece)) {
            return;
        }
        have.set(piece);
        verifiedBytes += pieceSize(piece);
        sendCancels(picker.pieceVerified(piece));
        for (PeerConnection p : peers) {
            p.channel.writeAndFlush(new Have(piece));
        }
        listeners.forEach(l -> l.pieceVerified(piece));
        if (have.cardinality() == info.pieceCount()) {
            becomeSeed();
        } else {
            List.copyOf(peers).stream().filter(p -> p.amInterested).forEach(this::updateInterest);
        }
    }

    private void pieceFailed(int piece) {
        if (state != TorrentState.DOWNLOADING) {
            return;
        }
        hashFailures++;
        FailedPiece<PeerConnection> failed = picker.pieceFailed(piece);
        sendCancels(failed.cancels());
        LOG.log(Level.INFO, "piece {0} of {1} failed its hash check; contributors {2}",
                new Object[] {piece, info.name(), failed.contributors()});
        for (PeerConnection p : failed.contributors()) {
            if (++p.hashFailures >= options.maxHashFailures()) {
                p.close("sent data for " + p.hashFailures + " pieces that failed verification");
            }
        }
        peers.forEach(this::fillRequests);
    }

    private void becomeSeed() {
        setState(TorrentState.SEEDING, "complete");
        for (PeerConnection p : List.copyOf(peers)) {
            if (p.amInterested) {
                p.amInterested = false;
                p.channel.writeAndFlush(Signal.NOT_INTERESTED);
            }
            if (p.has.cardinality() == info.pieceCount()) {
                p.close("both seeding");
            }
        }
        disk.execute(() -> {
            try {
                store.checkpoint();
            } catch (StorageException e) {
                execute(() -> fail(e.getMessage()));
            }
        });
        completion.complete(null);
    }

    private void sendCancels(List<PeerRequest<PeerConnection>> cancels) {
        for (PeerRequest<PeerConnection> c : cancels) {
            BlockRequest r = c.request();
            c.peer().channel.writeAndFlush(org.veilswarm.peerwire.BlockRequest.cancel(r.piece(), r.offset(), r.length()));
        }
    }

    // --- uploading --------------------------------------------------------------------------------------

    private void onRequest(PeerConnection peer, org.veilswarm.peerwire.BlockRequest r) {
        boolean allowed = (!peer.amChoking || peer.allowedFast.contains(r.piece())) && isActive()
                && have.get(r.piece()) && peer.uploadQueue.size() < options.maxIncomingRequests();
        if (!allowed) {
            if (peer.fast) {
                peer.channel.writeAndFlush(org.veilswarm.peerwire.BlockRequest.reject(r.piece(), r.offset(), r.length()));
            }
            return;
        }
        peer.uploadQueue.add(r);
        pumpUploads(peer);
    }

    /** Starts disk reads for queued requests while the peer's socket takes data and the limits allow. */
    void pumpUploads(PeerConnection peer) {
        while (peer.attached && peer.readsInFlight < READS_IN_FLIGHT && !peer.uploadQueue.isEmpty()
                && peer.channel.isWritable() && isActive()) {
            org.veilswarm.peerwire.BlockRequest r = peer.uploadQueue.poll();
            long delay = Math.max(engine.config().uploadLimit().reserve(r.length()),
                    options.uploadLimit().reserve(r.length()));
            peer.readsInFlight++;
            if (delay > 0) {
                loop.schedule(() -> readLater(peer, r), delay, TimeUnit.NANOSECONDS);
            } else {
                disk.execute(() -> readAndSend(peer, r));
            }
        }
    }

    private void readLater(PeerConnection peer, org.veilswarm.peerwire.BlockRequest r) {
        try {
            disk.execute(() -> readAndSend(peer, r));
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** On the disk thread. Only verified pieces are ever read ({@link PieceStore#readBlock}). */
    private void readAndSend(PeerConnection peer, org.veilswarm.peerwire.BlockRequest r) {
        try {
            Optional<byte[]> block = inV1PadFile(peer, r) ? Optional.of(new byte[r.length()])
                    : store.readBlock(r.piece(), r.offset(), r.length());
            if (block.isEmpty()) {
                execute(() -> {
                    peer.readsInFlight--;
                    if (peer.fast) {
                        peer.channel.writeAndFlush(org.veilswarm.peerwire.BlockRequest.reject(r.piece(), r.offset(), r.length()));
                    }
                });
                return;
            }
            int length = r.length();
            peer.channel.writeAndFlush(new Piece(r.piece(), r.offset(), Unpooled.wrappedBuffer(block.get())))
                    .addListener(f -> execute(() -> sent(peer, length, f.isSuccess())));
        } catch (StorageException e) {
            execute(() -> fail(e.getMessage()));
        } catch (IllegalArgumentException e) {
            execute(() -> {
                peer.readsInFlight--;
                if (peer.fast) {
                    peer.channel.writeAndFlush(org.veilswarm.peerwire.BlockRequest.reject(r.piece(), r.offset(), r.length()));
                } else {
                    peer.close("protocol error: " + e.getMessage());
                }
            });
        }
    }

    /**
     * BEP 47/52: in the v1 view of a hybrid, every file but the last is followed by a pad file of zeros up
     * to the piece boundary, so a v1 piece is always {@code pieceLength} long except the torrent's last.
     * The store holds only the files; a v1 peer's request that lies wholly in a pad file is answered with
     * zeros (only for a piece we have: the request was checked against {@code have} already).
     */
    private boolean inV1PadFile(PeerConnection peer, org.veilswarm.peerwire.BlockRequest r) {
        if (peer.version != ProtocolVersion.V1 || !info.isHybrid() || r.piece() == info.pieceCount() - 1) {
            return false;
        }
        return r.offset() >= pieceSize(r.piece()) && (long) r.offset() + r.length() <= info.pieceLength();
    }

    private void sent(PeerConnection peer, int length, boolean success) {
        peer.readsInFlight--;
        if (success) {
            long now = System.nanoTime();
            uploaded += length;
            peer.uploaded += length;
            upMeter.add(length, now);
            if (peer.upMeter != null) {
                peer.upMeter.add(length, now);
            }
        }
        pumpUploads(peer);
    }

    private void serveMetadata(PeerConnection peer, MetadataRequest r) {
        if (peer.theirUtMetadata == 0) {
            return; // the peer never told us its ut_metadata id: there is no way to answer
        }
        peer.channel.writeAndFlush(metadataServer.answer(r, peer.theirUtMetadata));
    }

    // --- choking ----------------------------------------------------------------------------------------

    /** Between rounds: only unchoke (a new interested peer gets a free slot now), never choke. */
    private void maybeUnchoke() {
        applyChoking(false);
    }

    private void applyChoking(boolean fullRound) {
        if (!isActive()) {
            return;
        }
        long now = System.nanoTime();
        List<ChokeCandidate> candidates = new ArrayList<>();
        for (PeerConnection p : peers) {
            candidates.add(new ChokeCandidate(p.id, p.address, p.transportScheme, p.peerInterested, !p.amChoking,
                    p.downMeter.rate(now), p.upMeter.rate(now), p.connectedAtNanos, p.accountingRef()));
        }
        Set<Long> unchoke = options.choking().unchoke(candidates, state == TorrentState.SEEDING);
        for (PeerConnection p : peers) {
            boolean should = unchoke.contains(p.id);
            if (should && p.amChoking) {
                p.amChoking = false;
                p.channel.writeAndFlush(Signal.UNCHOKE);
                pumpUploads(p);
            } else if (!should && !p.amChoking && fullRound) {
                choke(p);
            }
        }
    }

    private void choke(PeerConnection p) {
        p.amChoking = true;
        p.channel.write(Signal.CHOKE);
        // BEP 6: with the fast extension a choke no longer drops requests silently; each is rejected.
        for (org.veilswarm.peerwire.BlockRequest r : p.uploadQueue) {
            if (p.fast && !p.allowedFast.contains(r.piece())) {
                p.channel.write(org.veilswarm.peerwire.BlockRequest.reject(r.piece(), r.offset(), r.length()));
            }
        }
        p.uploadQueue.removeIf(r -> !p.allowedFast.contains(r.piece()));
        p.channel.flush();
    }

    // --- housekeeping -----------------------------------------------------------------------------------

    private void tick() {
        if (!isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastRechoke >= options.rechokeInterval().toNanos()) {
            lastRechoke = now;
            applyChoking(true);
        }
        boolean keepAlive = now - lastKeepAlive >= keepAliveNanos();
        if (keepAlive) {
            lastKeepAlive = now;
        }
        long idle = engine.config().idleTimeout().toNanos();
        for (PeerConnection p : List.copyOf(peers)) {
            account(p);
            if (now - p.lastHeardNanos > idle) {
                p.close("nothing received for " + engine.config().idleTimeout());
                continue;
            }
            if (keepAlive) {
                p.channel.writeAndFlush(Signal.KEEP_ALIVE);
            }
            if (state == TorrentState.DOWNLOADING && now - p.lastBlockNanos > SNUB_NANOS
                    && picker.pendingCount(p) > 0) {
                // Snubbed: its requests go back to the pool for others; it may still serve new ones.
                for (BlockRequest r : picker.releaseRequests(p)) {
                    p.channel.write(org.veilswarm.peerwire.BlockRequest.cancel(r.piece(), r.offset(), r.length()));
                }
                p.channel.flush();
                p.lastBlockNanos = now;
            }
            fillRequests(p);
        }
        lastStats = snapshot();
    }

    /** Reports the payload moved since the last report to the engine's accounting scheme, if one is bound. */
    private void account(PeerConnection p) {
        org.veilswarm.api.accounting.AccountingScheme scheme = engine.accounting();
        if (scheme == null || !p.attached) {
            return;
        }
        java.time.Instant at = java.time.Instant.now();
        if (p.uploaded > p.accountedUp) {
            scheme.record(new org.veilswarm.api.accounting.Transfer(org.veilswarm.api.accounting.TransferKind.UPLOADED,
                    Optional.of(p.accountingRef()), p.uploaded - p.accountedUp, at));
            p.accountedUp = p.uploaded;
        }
        if (p.downloaded > p.accountedDown) {
            scheme.record(new org.veilswarm.api.accounting.Transfer(org.veilswarm.api.accounting.TransferKind.DOWNLOADED,
                    Optional.of(p.accountingRef()), p.downloaded - p.accountedDown, at));
            p.accountedDown = p.downloaded;
        }
    }

    private void fail(String reason) {
        if (state == TorrentState.FAILED) {
            return;
        }
        failureReason = reason;
        LOG.log(Level.WARNING, "torrent {0} stopped: {1}", new Object[] {info.name(), reason});
        setState(TorrentState.FAILED, reason);
        // Dropped here rather than when each channel's close comes back, so anyone woken by the failed
        // completion already sees a torrent without connections.
        for (PeerConnection p : List.copyOf(peers)) {
            p.close("torrent failed");
            peerLeft(p);
        }
        completion.completeExceptionally(new StorageException(reason));
    }

    private void setState(TorrentState next, String reason) {
        state = next;
        if (next == TorrentState.STOPPED) {
            completion.completeExceptionally(new IllegalStateException("torrent stopped"));
        }
        listeners.forEach(l -> l.stateChanged(next, reason));
    }

    private TorrentStats snapshot() {
        long now = System.nanoTime();
        List<PeerStats> list = new ArrayList<>();
        for (PeerConnection p : peers) {
            list.add(new PeerStats(p.id, p.address, p.transportScheme, p.outbound, p.peerIdHex(), p.client,
                    p.version == ProtocolVersion.V2, p.has.cardinality(), p.amChoking, p.amInterested, p.peerChoking,
                    p.peerInterested, p.downloaded, p.uploaded, p.downMeter.rate(now), p.upMeter.rate(now),
                    picker.pendingCount(p)));
        }
        return new TorrentStats(state, state == TorrentState.FAILED ? failureReason : "", have.cardinality(),
                info.pieceCount(), verifiedBytes, info.totalLength(), downloaded, uploaded, downMeter.rate(now),
                upMeter.rate(now), hashFailures, list);
    }

    private int pieceSize(int piece) {
        FileEntry f = info.fileAtPiece(piece);
        return f.pieceSize(piece - f.firstPiece(), info.pieceLength());
    }
}
