package org.veilswarm.swarm.engine;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.veilswarm.api.accounting.PeerRef;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.peerwire.ExtendedMessage;
import org.veilswarm.peerwire.HandshakeCompleted;
import org.veilswarm.peerwire.MetadataData;
import org.veilswarm.peerwire.PeerMessage;
import org.veilswarm.peerwire.Piece;
import org.veilswarm.peerwire.ProtocolVersion;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One peer connection: the last handler of its pipeline (after the peer-wire codec) and the state the
 * torrent keeps about the peer. Netty calls the handler methods on the channel's event loop; they hand
 * every message to the torrent's own thread ({@link TorrentSession#execute}), which alone reads and writes
 * the state fields. Block payloads are copied out of the network buffer at once, so no buffer outlives
 * the event loop call.
 */
final class PeerConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(PeerConnection.class.getName());

    private final SwarmEngine engine;
    final long id;
    final boolean outbound;
    /** The peer id this side presented: the engine's, or that of one of its services (K-way multiplexing). */
    final byte[] localPeerId;
    final String transportScheme;
    /** Where the peer is; null for an inbound stream whose transport does not say (anonymous streams). */
    volatile TransportAddress address;
    private volatile TorrentSession session;
    volatile Channel channel;
    final CompletableFuture<Void> handshaken = new CompletableFuture<>();

    // --- torrent-thread state --------------------------------------------------------------------------
    boolean attached;
    byte[] peerId = new byte[0];
    ProtocolVersion version;
    boolean fast;
    boolean extensions;
    String client = "";
    int theirRequestQueue;
    int theirUtMetadata;
    boolean amChoking = true;
    boolean amInterested;
    boolean peerChoking = true;
    boolean peerInterested;
    BitSet has = new BitSet();
    boolean seed;
    final ArrayDeque<org.veilswarm.peerwire.BlockRequest> uploadQueue = new ArrayDeque<>();
    int readsInFlight;
    long downloaded;
    long uploaded;
    RateMeter downMeter;
    RateMeter upMeter;
    long lastBlockNanos;
    long connectedAtNanos;
    long requestsAllowedAt;
    boolean refillScheduled;
    int hashFailures;
    /** Pieces we told the peer (BEP 6 allowed fast) it may request while we choke it. */
    final java.util.Set<Integer> allowedFast = new java.util.HashSet<>();

    PeerConnection(SwarmEngine engine, TorrentSession session, String transportScheme, TransportAddress address,
                   boolean outbound) {
        this(engine, session, transportScheme, address, outbound, engine.config().peerId());
    }

    /** @param localPeerId the peer id this side presents on this connection ({@link SwarmEngine#peerAcceptor}) */
    PeerConnection(SwarmEngine engine, TorrentSession session, String transportScheme, TransportAddress address,
                   boolean outbound, byte[] localPeerId) {
        this.localPeerId = localPeerId;
        this.engine = engine;
        this.session = session;
        this.transportScheme = transportScheme;
        this.address = address;
        this.outbound = outbound;
        this.id = engine.nextConnectionId();
        this.accountingRef = refFor(outbound, transportScheme, address);
    }

    long accountedUp;
    long accountedDown;

    String peerIdHex() {
        return HexFormat.of().formatHex(peerId);
    }

    /** The peer as an accounting scheme knows it; fixed when the connection is made, see {@link #refFor}. */
    private final PeerRef accountingRef;

    PeerRef accountingRef() {
        return accountingRef;
    }

    private static final SecureRandom REFS = new SecureRandom();

    /**
     * The accounting identity of a connection. Never the BEP 3 peer id: the remote picks it and anyone can
     * read it in tracker answers, so whoever sent another peer's id would get that peer's standing. No
     * transport authenticates the remote end of a stream to us yet (the api carries no such identity; onion
     * service keys come later), so:
     * <ul>
     *   <li>a connection we opened is named by the transport and address we dialed: the transport, not the
     *   remote, decides who answers there (for an onion address, the service holding its key; on direct,
     *   whoever receives that IP and port), so the standing follows the address across connections and
     *   torrents;</li>
     *   <li>a connection the peer opened is named by a random value of its own, so its standing lasts that
     *   connection and cannot be claimed by another.</li>
     * </ul>
     */
    static PeerRef refFor(boolean outbound, String transportScheme, TransportAddress address) {
        if (outbound && address != null) {
            String dialed = "dialed:" + transportScheme + ":" + address.host() + ":" + address.port();
            if (dialed.length() <= 256) { // PeerRef's limit; only absurdly long DNS names exceed it
                return new PeerRef(dialed);
            }
        }
        byte[] random = new byte[16];
        REFS.nextBytes(random);
        return new PeerRef("connection:" + HexFormat.of().formatHex(random));
    }

    void close(String why) {
        LOG.log(Level.FINE, "closing connection {0} to {1}: {2}", new Object[] {id, address, why});
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }

    /** Torrent thread: when the peer last sent anything. */
    long lastHeardNanos = System.nanoTime();

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        long timeout = engine.config().handshakeTimeout().toNanos();
        ctx.executor().schedule(() -> {
            if (!handshaken.isDone()) {
                handshaken.completeExceptionally(new java.util.concurrent.TimeoutException(
                        "no BitTorrent handshake from " + address + " within " + engine.config().handshakeTimeout()));
                ctx.close();
            }
        }, timeout, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (address == null && ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            address = new TransportAddress(remote.getAddress().getHostAddress(), remote.getPort());
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompleted completed) {
            TorrentSession s = session;
            if (s == null) {
                s = engine.sessionFor(completed.torrent().infoHashes().v2()).orElse(null);
                if (s == null) {
                    ctx.close(); // the torrent was removed between the handshake lookup and now
                    return;
                }
                session = s;
            }
            TorrentSession target = s;
            target.execute(() -> target.attach(this, completed));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        TorrentSession s = session;
        try {
            if (s == null) {
                return; // nothing comes before the handshake; the codec guarantees it
            }
            if (msg instanceof Piece piece) {
                byte[] data = new byte[piece.length()];
                piece.content().getBytes(piece.content().readerIndex(), data);
                int index = piece.piece();
                int offset = piece.offset();
                s.execute(() -> s.onBlock(this, index, offset, data));
            } else if (msg instanceof ExtendedMessage || msg instanceof MetadataData) {
                // We hold the metadata of every torrent we run: unknown extensions and metadata pieces are dropped.
            } else if (msg instanceof PeerMessage message) {
                s.execute(() -> s.onMessage(this, message));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        TorrentSession s = session;
        if (s != null && ctx.channel().isWritable()) {
            s.execute(() -> s.pumpUploads(this));
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        TorrentSession s = session;
        if (!handshaken.isDone()) {
            handshaken.completeExceptionally(new IllegalStateException("connection to " + address
                    + " closed before the handshake completed"));
        }
        if (s != null) {
            s.execute(() -> s.peerLeft(this));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "connection " + id + " to " + address + " failed", cause);
        if (!handshaken.isDone()) {
            handshaken.completeExceptionally(cause);
        }
        ctx.close();
    }

    @Override
    public String toString() {
        return "peer#" + id + "[" + address + "]";
    }
}
