package org.veilswarm.peerwire.metadata;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.veilswarm.peerwire.ExtendedHandshake;
import org.veilswarm.peerwire.HandshakeCompleted;
import org.veilswarm.peerwire.MetadataData;
import org.veilswarm.peerwire.MetadataReject;
import org.veilswarm.peerwire.MetadataRequest;
import org.veilswarm.peerwire.PeerWireException;

/**
 * Fetches metadata over one peer connection into a shared {@link MetadataAssembler} (one per torrent,
 * peers keyed by their {@link Channel}). Sits after {@link org.veilswarm.peerwire.HandshakeHandler}:
 * on {@link HandshakeCompleted} it sends our extension handshake announcing {@code ut_metadata} (BEP 10),
 * reads the peer's id and {@code metadata_size}, keeps up to the allowed number of requests in flight,
 * rejects the peer's own metadata requests (we have nothing yet, BEP 9), checks timeouts every
 * {@code tick}, and closes connections the assembler names as culprits. When the dictionary has
 * verified, whichever connection's data completed it, every connection of the torrent that is still
 * open fires {@link MetadataReceived} once, on its own event loop. Messages that are not ut_metadata
 * pass on unchanged. On {@link MetadataReceived} the engine removes this handler, sets the decoder's
 * piece count and answers the peer's metadata requests from a {@link MetadataServer} from then on.
 */
public final class MetadataFetchHandler extends ChannelInboundHandlerAdapter {

    /** User event fired on each open connection of the torrent once the metadata has verified. */
    public record MetadataReceived(org.veilswarm.metainfo.InfoDictionary info) {
    }

    private final MetadataAssembler<Channel> assembler;
    private final int ourUtMetadataId;
    private final String clientName;
    private final LongSupplier nanoClock;
    private final Duration tick;
    private int theirUtMetadataId;
    private ScheduledFuture<?> ticker;
    /**
     * This connection's own copy of the assembler's completion. Cancelled when the connection closes, so
     * the callback holding this pipeline is dropped: a fetch that never completes must not keep every
     * connection it ever had reachable.
     */
    private CompletableFuture<org.veilswarm.metainfo.InfoDictionary> completion;

    /**
     * @param ourUtMetadataId the id we announce for {@code ut_metadata}; the same the pipeline's
     *                        {@link org.veilswarm.peerwire.PeerMessageDecoder} was given
     */
    public MetadataFetchHandler(MetadataAssembler<Channel> assembler, int ourUtMetadataId, String clientName,
                                LongSupplier nanoClock, Duration tick) {
        if (ourUtMetadataId < 1 || ourUtMetadataId > 255) {
            throw new IllegalArgumentException("ut_metadata id must be 1..255");
        }
        this.assembler = assembler;
        this.ourUtMetadataId = ourUtMetadataId;
        this.clientName = clientName;
        this.nanoClock = nanoClock;
        this.tick = tick;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleted) {
            ctx.writeAndFlush(ExtendedHandshake.builder().extension(ExtendedHandshake.UT_METADATA, ourUtMetadataId)
                    .client(clientName).build());
            ticker = ctx.executor().scheduleWithFixedDelay(() -> onTick(ctx), tick.toNanos(), tick.toNanos(),
                    TimeUnit.NANOSECONDS);
            completion = assembler.completion().toCompletableFuture();
            completion.thenAccept(info -> ctx.executor().execute(() -> {
                if (ctx.channel().isActive()) {
                    ctx.fireUserEventTriggered(new MetadataReceived(info));
                }
            }));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ExtendedHandshake handshake) {
            onExtendedHandshake(ctx, handshake);
            ctx.fireChannelRead(msg);
        } else if (msg instanceof MetadataData data) {
            try {
                handle(ctx, assembler.received(ctx.channel(), data, nanoClock.getAsLong()));
            } finally {
                ReferenceCountUtil.release(data);
            }
        } else if (msg instanceof MetadataReject reject) {
            assembler.rejected(ctx.channel(), reject.piece(), nanoClock.getAsLong());
            sendRequests(ctx);
        } else if (msg instanceof MetadataRequest request) {
            if (theirUtMetadataId != 0) {
                ctx.writeAndFlush(new MetadataReject(theirUtMetadataId, request.piece()));
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onExtendedHandshake(ChannelHandlerContext ctx, ExtendedHandshake handshake) {
        try {
            theirUtMetadataId = handshake.extensionId(ExtendedHandshake.UT_METADATA).orElse(0);
            if (theirUtMetadataId == 0 || handshake.metadataSize().isEmpty()) {
                return; // this peer cannot serve metadata (BEP 9: metadata_size is sent by peers that have it)
            }
            MetadataOutcome<Channel> added = assembler.addPeer(ctx.channel(), handshake.metadataSize().getAsLong());
            if (added.kind() == MetadataOutcome.Kind.ACCEPTED) {
                sendRequests(ctx);
            }
        } catch (PeerWireException e) {
            ctx.fireExceptionCaught(e);
            ctx.close();
        }
    }

    private void onTick(ChannelHandlerContext ctx) {
        if (assembler.isDone()) {
            ticker.cancel(false);
            return;
        }
        assembler.expire(nanoClock.getAsLong());
        sendRequests(ctx);
    }

    private void sendRequests(ChannelHandlerContext ctx) {
        if (theirUtMetadataId == 0) {
            return;
        }
        List<Integer> pieces = assembler.requestsFor(ctx.channel(), nanoClock.getAsLong());
        for (int piece : pieces) {
            ctx.write(new MetadataRequest(theirUtMetadataId, piece));
        }
        if (!pieces.isEmpty()) {
            ctx.flush();
        }
    }

    private void handle(ChannelHandlerContext ctx, MetadataOutcome<Channel> outcome) {
        outcome.culprits().forEach(Channel::close);
        switch (outcome.kind()) {
            case COMPLETE -> { } // announced through the assembler's completion, on every connection
            case FAILED -> ctx.fireExceptionCaught(new PeerWireException(outcome.reason()));
            default -> sendRequests(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (completion != null) {
            completion.cancel(false);
        }
        assembler.removePeer(ctx.channel());
        super.channelInactive(ctx);
    }
}
