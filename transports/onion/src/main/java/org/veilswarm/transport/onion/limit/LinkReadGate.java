package org.veilswarm.transport.onion.limit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * Decides when a relay reads from a link, the only place that touches the channel's auto-read flag:
 * <ul>
 * <li>while the relay's bandwidth bucket (shared by all its links) is in debt, as tor's BandwidthRate
 *     and BandwidthBurst do for OR connections. Bytes already read are passed on at once, never dropped
 *     (a relay must deliver every cell of a circuit, tor-spec §5.5), so the overdraft is at most one
 *     socket read per link and the limit holds on average;</li>
 * <li>while the link is not writable: a peer that does not read what we send it (CREATED2, DESTROY,
 *     relayed cells) gets nothing more read from it, so its answers cannot pile up in our outbound
 *     buffer without bound.</li>
 * </ul>
 * Sits first in the pipeline, so it counts TLS records as they come off the wire.
 */
public final class LinkReadGate extends ChannelInboundHandlerAdapter {
    /** Handler name in a link's pipeline. */
    public static final String NAME = "onion-read-gate";

    private final TokenBucket bandwidth;
    private boolean inDebt;

    /** @param bandwidth the relay's bucket of bytes, or null for no bandwidth limit */
    public LinkReadGate(TokenBucket bandwidth) {
        this.bandwidth = bandwidth;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        update(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (bandwidth != null && msg instanceof ByteBuf buf) {
            long wait = bandwidth.take(buf.readableBytes());
            if (wait > 0 && !inDebt) {
                inDebt = true;
                update(ctx);
                ctx.executor().schedule(() -> payOff(ctx), wait, TimeUnit.NANOSECONDS);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        update(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void payOff(ChannelHandlerContext ctx) {
        long wait = bandwidth.take(0);
        if (wait > 0) { // other links drew on the bucket meanwhile
            ctx.executor().schedule(() -> payOff(ctx), wait, TimeUnit.NANOSECONDS);
            return;
        }
        inDebt = false;
        update(ctx);
    }

    private void update(ChannelHandlerContext ctx) {
        boolean read = !inDebt && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read); // switching it on also issues a read
        }
    }

    /** Whether reading is paused because of the bandwidth bucket (for tests and statistics). */
    public boolean isInDebt() {
        return inDebt;
    }
}
