package org.veilswarm.peerwire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.veilswarm.metainfo.HashValue;
import org.veilswarm.metainfo.InfoHashes;

/**
 * Exchanges the BEP 3 handshake, then puts {@link PeerMessageDecoder} and {@link PeerMessageEncoder} in
 * its place, fires {@link HandshakeCompleted} and passes on any bytes that came after the handshake.
 *
 * <p>Hybrid torrents (BEP 52 "Upgrade path"): we set the v2 upgrade bit. As initiator with the v1
 * hash, we accept a reply carrying the truncated v2 hash instead (libtorrent 2.0 answers so) and then
 * speak v2. As responder, a peer that sends the v1 hash of a hybrid torrent with the upgrade bit gets
 * the truncated v2 hash back, as libtorrent does.
 *
 * <p>A handshake that is malformed or names a torrent we do not hold is a {@link PeerWireException} and
 * closes the connection. Time limits are the pipeline's business (e.g. a {@code ReadTimeoutHandler}).
 */
public final class HandshakeHandler extends ByteToMessageDecoder {

    private final KnownTorrent initiatedFor;
    private final HashValue sentHash;
    private final Function<HashValue, Optional<KnownTorrent>> lookup;
    private final byte[] ourPeerId;
    private final PeerWireLimits limits;
    private final int utMetadataId;
    private boolean sent;
    private boolean done;

    private HandshakeHandler(KnownTorrent initiatedFor, HashValue sentHash,
                             Function<HashValue, Optional<KnownTorrent>> lookup, byte[] ourPeerId,
                             PeerWireLimits limits, int utMetadataId) {
        if (ourPeerId.length != Handshake.PEER_ID_LENGTH) {
            throw new IllegalArgumentException("peer id must be 20 bytes");
        }
        this.initiatedFor = initiatedFor;
        this.sentHash = sentHash;
        this.lookup = lookup;
        this.ourPeerId = ourPeerId.clone();
        this.limits = limits;
        this.utMetadataId = utMetadataId;
    }

    /**
     * For a connection we open: sends our handshake as soon as the channel is active.
     *
     * @param useV1Hash send the v1 info-hash of a hybrid torrent (to reach v1-only peers); the peer may
     *                  upgrade to v2
     */
    public static HandshakeHandler initiator(KnownTorrent torrent, boolean useV1Hash, byte[] ourPeerId,
                                             PeerWireLimits limits, int utMetadataId) {
        InfoHashes hashes = torrent.infoHashes();
        if (useV1Hash && hashes.v1().isEmpty()) {
            throw new IllegalArgumentException("torrent has no v1 info-hash");
        }
        HashValue hash = useV1Hash ? hashes.v1().get() : hashes.v2Truncated();
        return new HandshakeHandler(torrent, hash, null, ourPeerId, limits, utMetadataId);
    }

    /**
     * For a connection a peer opened: {@code lookup} finds a torrent we hold by the 20-byte hash in the
     * peer's handshake (its v1 hash or its truncated v2 hash).
     */
    public static HandshakeHandler responder(Function<HashValue, Optional<KnownTorrent>> lookup, byte[] ourPeerId,
                                             PeerWireLimits limits, int utMetadataId) {
        return new HandshakeHandler(null, null, lookup, ourPeerId, limits, utMetadataId);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            sendInitiatorHandshake(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sendInitiatorHandshake(ctx);
        super.channelActive(ctx);
    }

    private void sendInitiatorHandshake(ChannelHandlerContext ctx) {
        if (initiatedFor != null && !sent) {
            sent = true;
            send(ctx, sentHash);
        }
    }

    private void send(ChannelHandlerContext ctx, HashValue hash) {
        ByteBuf out = ctx.alloc().buffer(Handshake.LENGTH);
        new Handshake(ReservedBits.ours(true), hash, ourPeerId).encode(out);
        ctx.writeAndFlush(out);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            // Failed: whatever else the peer sent (or is left when the channel closes) is dropped.
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            readHandshake(ctx, in);
        } catch (PeerWireException e) {
            done = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void readHandshake(ChannelHandlerContext ctx, ByteBuf in) {
        Handshake.checkProtocol(in, in.readerIndex(), in.readableBytes());
        if (in.readableBytes() < Handshake.LENGTH) {
            return;
        }
        Handshake remote = Handshake.decode(in);
        done = true;
        HandshakeCompleted completed = initiatedFor != null ? acceptReply(remote) : answer(ctx, remote);
        switchToMessages(ctx, completed);
    }

    private HandshakeCompleted acceptReply(Handshake remote) {
        HashValue v2 = initiatedFor.infoHashes().v2Truncated();
        if (remote.infoHash().equals(sentHash)) {
            return new HandshakeCompleted(remote, initiatedFor, sentHash.equals(v2) ? ProtocolVersion.V2 : ProtocolVersion.V1);
        }
        if (remote.infoHash().equals(v2)) {
            // BEP 52 upgrade: we offered the v1 hash with the upgrade bit, the peer chose v2.
            return new HandshakeCompleted(remote, initiatedFor, ProtocolVersion.V2);
        }
        throw new PeerWireException("peer answered with info-hash " + remote.infoHash() + ", we asked for " + sentHash);
    }

    private HandshakeCompleted answer(ChannelHandlerContext ctx, Handshake remote) {
        KnownTorrent torrent = lookup.apply(remote.infoHash())
                .orElseThrow(() -> new PeerWireException("no torrent with info-hash " + remote.infoHash()));
        HashValue v2 = torrent.infoHashes().v2Truncated();
        boolean upgrade = remote.reserved().v2Upgrade() && !remote.infoHash().equals(v2);
        HashValue reply = upgrade ? v2 : remote.infoHash();
        if (!reply.equals(v2) && !torrent.infoHashes().v1().map(reply::equals).orElse(false)) {
            throw new PeerWireException("lookup returned a torrent that does not have info-hash " + remote.infoHash());
        }
        send(ctx, reply);
        return new HandshakeCompleted(remote, torrent, reply.equals(v2) ? ProtocolVersion.V2 : ProtocolVersion.V1);
    }

    private void switchToMessages(ChannelHandlerContext ctx, HandshakeCompleted completed) {
        String name = ctx.name();
        PeerMessageDecoder decoder = new PeerMessageDecoder(limits, completed.torrent().pieceCount(), utMetadataId);
        ctx.pipeline().addAfter(name, name + "-messages", decoder);
        if (ctx.pipeline().get(PeerMessageEncoder.class) == null) {
            ctx.pipeline().addAfter(name + "-messages", name + "-encoder", PeerMessageEncoder.INSTANCE);
        }
        ctx.fireUserEventTriggered(completed);
        // Removing a ByteToMessageDecoder hands its leftover bytes to the next handler: the new decoder.
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(cause);
        if (cause instanceof PeerWireException) {
            ctx.close();
        }
    }
}
