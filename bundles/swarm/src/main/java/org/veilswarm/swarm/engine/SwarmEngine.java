package org.veilswarm.swarm.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.veilswarm.api.accounting.AccountingScheme;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.PersistentListen;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.peerwire.HandshakeHandler;
import org.veilswarm.peerwire.KnownTorrent;
import org.veilswarm.swarm.storage.StorageException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Runs torrents over peer connections from any number of {@link Transport}s. Peers are transport
 * addresses; one torrent may have peers on several transports at once, and one listener per transport
 * accepts connections for every torrent (the handshake's info-hash picks the torrent, BEP 3; the v1 hash of
 * a hybrid torrent is answered with the v2 hash, BEP 52 "upgrade path").
 *
 * <pre>{@code
 * SwarmEngine engine = new SwarmEngine(EngineConfig.defaults());
 * engine.listen(transport, serviceKey, 6881);
 * TorrentSession t = engine.add(metainfo, downloadDir, stateDir, TorrentOptions.defaults());
 * t.connect(peerAddress);                 // any transport of the engine that can reach it
 * t.completion().join(); t.stats();
 * engine.close();
 * }</pre>
 */
public final class SwarmEngine implements AutoCloseable {

    /** The BEP 10 id under which we receive {@code ut_metadata} (BEP 9) messages. */
    static final int UT_METADATA_ID = 3;

    private final EngineConfig config;
    private final Map<HashValue, TorrentSession> byHandshakeHash = new ConcurrentHashMap<>();
    private final Map<HashValue, TorrentSession> byV2 = new ConcurrentHashMap<>();
    private final List<Transport> transports = new CopyOnWriteArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile boolean closed;
    private volatile AccountingScheme accounting;

    public SwarmEngine(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Binds an accounting scheme ({@code null} unbinds): every torrent reports the payload it uploads to and
     * downloads from each peer ({@link AccountingScheme#record}, about once a second and when the peer
     * leaves), and torrents choked by a {@link TitForTatChokingPolicy} rank peers by its standing first.
     */
    public void accounting(AccountingScheme scheme) {
        this.accounting = scheme;
        for (TorrentSession t : byV2.values()) {
            if (t.options().choking() instanceof TitForTatChokingPolicy policy) {
                policy.accounting(scheme);
            }
        }
    }

    /** The bound accounting scheme, or {@code null}. */
    public AccountingScheme accounting() {
        return accounting;
    }

    /** Stops dialing over {@code transport} (its service went away); a no-op for one this engine does not know. */
    public void removeTransport(Transport transport) {
        transports.remove(transport);
    }

    /** Makes {@code transport} available to {@link TorrentSession#connect(TransportAddress)}. */
    public void addTransport(Transport transport) {
        Objects.requireNonNull(transport, "transport");
        if (!transports.contains(transport)) {
            transports.add(transport);
        }
    }

    /**
     * Accepts peer connections for every torrent of this engine on {@code transport} (which is added as
     * with {@link #addTransport}).
     */
    public CompletionStage<Listener> listen(Transport transport, ServiceKey key, int port) {
        requireOpen();
        addTransport(transport);
        return transport.listen(key, port, acceptor(transport.info().scheme())).thenApply(this::opened);
    }

    /**
     * Like {@link #listen}, but keeps trying while the transport cannot listen yet (an onion transport before
     * its directory is ready, tor while it bootstraps); the caller closes the returned handle to stop.
     *
     * @param failed told of each failed attempt and the delay until the next one
     */
    public PersistentListen listenPersistently(Transport transport, ServiceKey key, int port,
            ScheduledExecutorService timer, Duration firstRetry, Duration maxRetry,
            BiConsumer<Throwable, Duration> failed) {
        requireOpen();
        addTransport(transport);
        PersistentListen listen = PersistentListen.start(transport, key, port, acceptor(transport.info().scheme()),
                timer, firstRetry, maxRetry, failed);
        listen.listener().thenAccept(this::opened);
        return listen;
    }

    private ChannelInitializer<Channel> acceptor(String scheme) {
        return peerAcceptor(scheme, config.peerId());
    }

    /**
     * Sets up each stream a caller's own listener accepts as an incoming peer of this engine that answers the
     * handshake with {@code localPeerId} instead of {@link EngineConfig#peerId()}. This is K-way multiplexing
     * (issue 5): a share published on K onion services of its own presents one peer id per service, so a
     * downloader connected to all K sees K peers, not one peer and K-1 duplicate connections; and this side keeps
     * one connection per (its peer id, the remote peer id) pair, so the downloader's K streams all stay.
     *
     * <p>The caller opens and closes the listener (for example with {@link PersistentListen#start}); the
     * transport is not added to this engine's dialing transports.
     *
     * @param scheme the transport scheme, for the peers' statistics
     * @param localPeerId 20 bytes; derive it from {@link EngineConfig#peerId()} (see {@link #servicePeerId})
     */
    public ChannelInitializer<Channel> peerAcceptor(String scheme, byte[] localPeerId) {
        Objects.requireNonNull(scheme, "scheme");
        byte[] ours = localPeerId.clone();
        if (ours.length != org.veilswarm.peerwire.Handshake.PEER_ID_LENGTH) {
            throw new IllegalArgumentException("a peer id is 20 bytes, not " + ours.length);
        }
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("peer", HandshakeHandler.responder(
                        hash -> Optional.ofNullable(byHandshakeHash.get(hash)).map(TorrentSession::known),
                        ours, config.limits(), UT_METADATA_ID));
                ch.pipeline().addLast("swarm", new PeerConnection(SwarmEngine.this, null, scheme, null, false, ours));
            }
        };
    }

    /**
     * A peer id of this engine for one of its extra identities (a share's onion service named by
     * {@code serviceName}): the client prefix of {@link EngineConfig#peerId()} (8 bytes, BEP 20 style) and 12 bytes
     * of SHA-256 over the engine's peer id and the name, so it is stable while the engine runs and differs per
     * service.
     */
    public byte[] servicePeerId(byte[] serviceName) {
        byte[] base = config.peerId();
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update("veilswarm service peer id\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha.update(base);
            sha.update(serviceName);
            byte[] digest = sha.digest();
            byte[] id = base.clone();
            System.arraycopy(digest, 0, id, 8, id.length - 8);
            return id;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private Listener opened(Listener listener) {
        forgetClosedListeners();
        listeners.add(listener);
        return listener;
    }

    /**
     * Drops the listeners that are closed, by their owner or by their transport (unbound, updated). Holding one
     * would keep the retired transport's whole object graph, and through it the class loader of its bundle
     * revision, alive until this engine closes: 1.7 MB of metaspace and 2-3 MB of RSS per onion transport update
     * (docs/performance.md, "Node memory", session 15). Also done whenever a listener opens.
     */
    public void forgetClosedListeners() {
        listeners.removeIf(l -> !l.isOpen());
    }

    /**
     * Adds a torrent: opens (creating as needed) its files under {@code downloadDir}, takes verified pieces
     * from resume data in {@code stateDir} (or hashes what is on disk), and starts it.
     *
     * @throws StorageException      the files cannot be opened (the torrent is not added)
     * @throws IllegalStateException the torrent is already in this engine
     */
    public TorrentSession add(Metainfo metainfo, Path downloadDir, Path stateDir, TorrentOptions options)
            throws StorageException {
        requireOpen();
        HashValue v2 = metainfo.infoHashes().v2();
        synchronized (this) {
            if (byV2.containsKey(v2)) {
                throw new IllegalStateException("torrent " + v2.hex() + " is already running");
            }
            TorrentSession session = new TorrentSession(this, metainfo, downloadDir, stateDir, options);
            if (accounting != null && options.choking() instanceof TitForTatChokingPolicy policy) {
                policy.accounting(accounting);
            }
            byV2.put(v2, session);
            KnownTorrent known = session.known();
            byHandshakeHash.put(known.infoHashes().v2Truncated(), session);
            known.infoHashes().v1().ifPresent(v1 -> byHandshakeHash.put(v1, session));
            return session;
        }
    }

    /**
     * Adds a torrent known only by its v2 info-hash (a magnet link, {@code xt=urn:btmh:1220<hex>}): the info
     * dictionary comes from {@code peers} through BEP 9 and is checked against the hash; the piece layers
     * come through BEP 52 hash requests, each reply proved to its file's pieces root. Then the torrent is
     * added as by {@link #add} and connected to the same peers.
     *
     * @param peers   where to ask; each is reached through the first transport of this engine that can
     * @param timeout how long to wait for the metainfo before giving up
     * @return completes with the running torrent (its {@link TorrentSession#metainfo()} can be saved as a
     *         .torrent), or exceptionally: no peer could give a valid metainfo in time, or storage failed
     */
    public CompletableFuture<TorrentSession> addFromInfoHash(HashValue v2InfoHash, List<TransportAddress> peers,
                                                             Path downloadDir, Path stateDir, TorrentOptions options,
                                                             Duration timeout) {
        requireOpen();
        if (v2InfoHash.length() != HashValue.SHA256_LENGTH) {
            throw new IllegalArgumentException("a v2 info-hash has 32 bytes, not " + v2InfoHash.length());
        }
        List<MetainfoFetch.Peer> reachable = MetainfoFetch.peers(this, peers);
        if (reachable.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "no transport of this engine reaches any of " + peers));
        }
        MetainfoFetch fetch = new MetainfoFetch(this, v2InfoHash);
        reachable.forEach(p -> fetch.connect(p.transport(), p.address()));
        return fetch.timeoutAfter(timeout).thenApply(metainfo -> {
            try {
                TorrentSession session = add(metainfo, downloadDir, stateDir, options);
                reachable.forEach(p -> session.connect(p.transport(), p.address()));
                return session;
            } catch (StorageException e) {
                throw new CompletionException(e);
            }
        });
    }

    public Optional<TorrentSession> torrent(HashValue v2InfoHash) {
        return Optional.ofNullable(byV2.get(v2InfoHash));
    }

    public List<TorrentSession> torrents() {
        return List.copyOf(byV2.values());
    }

    /** Stops every torrent (writing resume data) and every listener. */
    @Override
    public void close() {
        closed = true;
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (RuntimeException e) {
                // the transport is going away as well
            }
        }
        listeners.clear();
        for (TorrentSession t : new ArrayList<>(byV2.values())) {
            t.close();
        }
    }

    // --- package API ------------------------------------------------------------------------------------

    Optional<TorrentSession> sessionFor(HashValue v2InfoHash) {
        return torrent(v2InfoHash);
    }

    Optional<Transport> transportFor(TransportAddress address) {
        return transports.stream().filter(t -> t.canReach(address)).findFirst();
    }

    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    synchronized void removed(TorrentSession session) {
        HashValue v2 = session.known().infoHashes().v2();
        byV2.remove(v2, session);
        byHandshakeHash.remove(session.known().infoHashes().v2Truncated(), session);
        session.known().infoHashes().v1().ifPresent(v1 -> byHandshakeHash.remove(v1, session));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the swarm engine is closed");
        }
    }
}
