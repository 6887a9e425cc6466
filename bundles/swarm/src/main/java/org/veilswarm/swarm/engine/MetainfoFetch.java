package org.veilswarm.swarm.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.metainfo.FileEntry;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.InfoDictionary;
import org.veilswarm.metainfo.InfoHashes;
import org.veilswarm.metainfo.MerkleTree;
import org.veilswarm.metainfo.Metainfo;
import org.veilswarm.metainfo.MetainfoException;
import org.veilswarm.metainfo.PieceLayers;
import org.veilswarm.peerwire.HandshakeHandler;
import org.veilswarm.peerwire.HashRange;
import org.veilswarm.peerwire.HashReject;
import org.veilswarm.peerwire.HashRequest;
import org.veilswarm.peerwire.Hashes;
import org.veilswarm.peerwire.KnownTorrent;
import org.veilswarm.peerwire.PeerMessageDecoder;
import org.veilswarm.peerwire.metadata.ExpectedInfoHashes;
import org.veilswarm.peerwire.metadata.MetadataAssembler;
import org.veilswarm.peerwire.metadata.MetadataFetchHandler;
import org.veilswarm.peerwire.metadata.MetadataOptions;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;

/**
 * Builds a torrent's {@link Metainfo} from peers when only its v2 info-hash is known: the info dictionary
 * through BEP 9 ({@code peerwire.metadata}: {@link MetadataFetchHandler} into one shared
 * {@link MetadataAssembler}, checked against the info-hash), then the piece layer of every file longer
 * than a piece through BEP 52 {@code hash request}s, each reply proved up to the file's pieces root
 * ({@link Hashes#verify}) before it is kept, and the whole set validated by {@link PieceLayers#validate}.
 * Every connection fetches on its own; the first complete, valid result wins and all connections close. A peer
 * whose dial fails or whose connection ends early is dialled again until the fetch completes or times out.
 * A peer that misbehaves while giving the layers (a reject, an unasked or unprovable reply, a set that does
 * not validate) loses only its own connection: the other connections ask for every layer themselves, so
 * the fetch fails only when its timeout passes with no connection having finished.
 */
final class MetainfoFetch {

    /** BEP 52: hash requests "SHOULD NOT" ask for more than 512 hashes. */
    private static final int MAX_HASHES_PER_REQUEST = 512;
    /** BEP 20 style: {@code -VS0100-}. */
    private static final int CLIENT_PREFIX_LENGTH = 8;
    private static final Logger LOG = Logger.getLogger(MetainfoFetch.class.getName());
    static final Duration FIRST_REDIAL = Duration.ofSeconds(1);
    static final Duration MAX_REDIAL = Duration.ofSeconds(10);

    private final SwarmEngine engine;
    private final InfoHashes hashes;
    private final MetadataAssembler<Channel> assembler;
    private final CompletableFuture<Metainfo> result = new CompletableFuture<>();
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    /**
     * The peer id this fetch's connections present: the engine's client prefix and 12 random characters, not the
     * engine's own id. When the fetch is done the torrent connects to the same peers again while the fetch closes
     * its connections; a peer that handles the torrent's connection before it has seen the fetch's end would find
     * two connections from one peer id in the same direction, keep the old one and close the new one
     * ({@link TorrentSession} keeps one connection per pair of peer ids), leaving the download without that peer.
     */
    private final byte[] peerId;
    private final DialFailures failures;

    MetainfoFetch(SwarmEngine engine, HashValue v2InfoHash) {
        this.engine = engine;
        this.peerId = ownPeerId(engine.config().peerId());
        this.failures = new DialFailures("metadata fetch of " + v2InfoHash.hex().substring(0, 16), System::nanoTime);
        this.hashes = new InfoHashes(v2InfoHash, Optional.empty());
        this.assembler = new MetadataAssembler<>(ExpectedInfoHashes.v2(v2InfoHash), MetadataOptions.DEFAULT);
        result.whenComplete((m, e) -> channels.forEach(Channel::close));
    }

    CompletableFuture<Metainfo> result() {
        return result;
    }

    /**
     * Dials {@code address} and keeps dialling it, with pauses growing from {@link #FIRST_REDIAL} to
     * {@link #MAX_REDIAL}, whenever a dial fails or the connection ends before the fetch is complete: over onion
     * services a first dial often fails on a circuit of a network seconds old (a rendezvous circuit destroyed, an
     * introduction point not ready), and a peer dialled once only would leave the fetch idle until its timeout.
     * Each failure is recorded (and logged, rate-limited) with its reason for the timeout's message.
     */
    void connect(Transport transport, TransportAddress address) {
        dial(transport, address, 0);
    }

    /**
     * Fails the fetch with a {@link TimeoutException} after {@code timeout} unless it completed: the message says
     * what every peer did (connections, failures and the last reason).
     */
    CompletableFuture<Metainfo> timeoutAfter(Duration timeout) {
        // The deadline's task on the JDK's timer thread is cancelled when the fetch ends, so a finished fetch (its
        // engine, its peers' metadata) is not held there for the rest of the timeout.
        CompletableFuture<Void> deadline = new CompletableFuture<>();
        deadline.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS).thenRun(() ->
                result.completeExceptionally(new TimeoutException("no peer gave the metadata of " + hashes.v2().hex()
                        + " within " + timeout.toSeconds() + " s (" + failures.summary() + ")")));
        result.whenComplete((m, e) -> deadline.cancel(false));
        return result;
    }

    private void dial(Transport transport, TransportAddress address, int attempt) {
        if (result.isDone()) {
            return;
        }
        KnownTorrent known = new KnownTorrent(hashes, -1);
        CompletionStage<Channel> dialled;
        try {
            dialled = transport.connect(address, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    channels.add(ch);
                    if (result.isDone()) {
                        ch.close();
                    }
                    ch.pipeline().addLast("peer", HandshakeHandler.initiator(known, false, peerId,
                            engine.config().limits(), SwarmEngine.UT_METADATA_ID));
                    ch.pipeline().addLast("metadata", new MetadataFetchHandler(assembler, SwarmEngine.UT_METADATA_ID,
                            engine.config().clientName(), System::nanoTime, Duration.ofMillis(250)));
                    ch.pipeline().addLast("layers", new LayerFetcher());
                }
            });
        } catch (RuntimeException e) {
            dialled = CompletableFuture.failedFuture(e);
        }
        dialled.whenComplete((channel, error) -> {
            if (error != null) {
                if (!result.isDone()) {
                    failures.failed(address, DialFailures.reason(error));
                    redial(transport, address, attempt);
                }
                return;
            }
            failures.connected(address);
            long opened = System.nanoTime();
            channel.closeFuture().addListener(f -> {
                channels.remove(channel);
                if (!result.isDone()) {
                    failures.failed(address, "connection closed after "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened) + " ms, metadata not complete");
                    redial(transport, address, attempt);
                }
            });
        });
    }

    private void redial(Transport transport, TransportAddress address, int attempt) {
        long pause = Math.min(MAX_REDIAL.toMillis(), FIRST_REDIAL.toMillis() << Math.min(attempt, 10));
        CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS)
                .execute(() -> dial(transport, address, attempt + 1));
    }

    /** One connection's BEP 52 part, after the metadata has verified. Runs on the channel's event loop. */
    private final class LayerFetcher extends ChannelInboundHandlerAdapter {

        private InfoDictionary info;
        private final Map<HashValue, FileEntry> pending = new HashMap<>();
        private final Map<HashValue, byte[]> layers = new HashMap<>();
        /** Every range asked of this peer, and those of them not answered yet (a reply is taken once). */
        private final Set<HashRange> asked = new HashSet<>();
        private final Set<HashRange> outstanding = new HashSet<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof MetadataFetchHandler.MetadataReceived received && info == null) {
                info = received.info();
                PeerMessageDecoder decoder = ctx.pipeline().get(PeerMessageDecoder.class);
                if (decoder != null) {
                    decoder.pieceCount(info.pieceCount());
                }
                requestLayers(ctx);
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        private void requestLayers(ChannelHandlerContext ctx) {
            int pieceLength = info.pieceLength();
            int base = MerkleTree.pieceLayerLevel(pieceLength);
            for (FileEntry f : info.files()) {
                if (!f.hasPieceLayer(pieceLength)) {
                    continue;
                }
                HashValue root = f.piecesRoot().orElseThrow();
                if (pending.putIfAbsent(root, f) != null) {
                    continue; // identical files share a layer
                }
                layers.put(root, new byte[f.pieceCount() * MerkleTree.HASH_LENGTH]);
                int height = MerkleTree.treeHeight(f.length());
                int width = Math.min(MAX_HASHES_PER_REQUEST, Math.max(2, Integer.highestOneBit(f.pieceCount() * 2 - 1)));
                for (int index = 0; index < f.pieceCount(); index += width) {
                    HashRange range = new HashRange(root, base, index, width, HashRange.proofLayersToRoot(height, base));
                    asked.add(range);
                    outstanding.add(range);
                    ctx.write(new HashRequest(range));
                }
            }
            ctx.flush();
            finishIfComplete(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (info == null) {
                    return;
                }
                if (msg instanceof Hashes h) {
                    onHashes(ctx, h);
                } else if (msg instanceof HashReject r) {
                    ctx.close(); // this peer cannot give us the layers; others may
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void onHashes(ChannelHandlerContext ctx, Hashes h) {
            HashRange range = h.range();
            if (!outstanding.contains(range)) {
                if (!asked.contains(range)) {
                    ctx.close(); // never asked for: a peer that makes replies up is not worth keeping
                }
                return; // a second answer to a range already filled in changes nothing
            }
            FileEntry f = pending.get(range.piecesRoot());
            if (!h.verify(f.length(), new byte[0])) {
                ctx.close(); // not proved to the pieces root: never trusted
                return;
            }
            byte[] layer = layers.get(range.piecesRoot());
            byte[] base = h.baseHashes();
            int from = range.index() * MerkleTree.HASH_LENGTH;
            int n = Math.min(base.length, layer.length - from);
            if (n > 0) {
                System.arraycopy(base, 0, layer, from, n);
            }
            outstanding.remove(range);
            finishIfComplete(ctx);
        }

        private void finishIfComplete(ChannelHandlerContext ctx) {
            if (!outstanding.isEmpty()) {
                return;
            }
            try {
                result.complete(Metainfo.of(info, PieceLayers.validate(info, layers)));
            } catch (MetainfoException e) {
                // Every range was proved to its root, so only this peer's answers can be at fault (or a
                // bug): drop this peer; the others fetch their own copies until the fetch times out.
                LOG.log(Level.FINE, "piece layers from " + ctx.channel().remoteAddress() + " do not validate", e);
                ctx.close();
            }
        }
    }

    /** A fetch's own peer id: the 8-byte client prefix of {@code enginePeerId}, then 12 random letters and digits. */
    static byte[] ownPeerId(byte[] enginePeerId) {
        byte[] id = EngineConfig.randomPeerId();
        System.arraycopy(enginePeerId, 0, id, 0, CLIENT_PREFIX_LENGTH);
        return id;
    }

    /** The peers to try, each with the transport that reaches it. */
    record Peer(Transport transport, TransportAddress address) {
    }

    static List<Peer> peers(SwarmEngine engine, List<TransportAddress> addresses) {
        List<Peer> out = new ArrayList<>();
        for (TransportAddress a : addresses) {
            engine.transportFor(a).ifPresent(t -> out.add(new Peer(t, a)));
        }
        return out;
    }
}
