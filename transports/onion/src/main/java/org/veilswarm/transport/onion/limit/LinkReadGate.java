package org.veilswarm.transport.onion.limit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * Applies the relay's bandwidth bucket (shared by all its links, as tor's BandwidthRate and BandwidthBurst
 * do for OR connections) to what a link reads: while the bucket is in debt, the link is not read from.
 * Bytes already read are passed on at once, never dropped (a relay must deliver every cell of a circuit,
 * tor-spec §5.5), so the overdraft is at most one socket read per link and the limit holds on average.
 * Sits first in the pipeline, so it counts TLS records as they come off the wire.
 *
 * <p>It deliberately does not stop reading when the link is not writable: two relays doing that to each
 * other while both write would deadlock. Unread output is bounded by closing the link instead (see
 * {@code CircuitTable}).
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
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (bandwidth != null && msg instanceof ByteBuf buf) {
            long wait = bandwidth.take(buf.readableBytes());
            if (wait > 0 && !inDebt) {
                inDebt = true;
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> payOff(ctx), wait, TimeUnit.NANOSECONDS);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void payOff(ChannelHandlerContext ctx) {
        long wait = bandwidth.take(0);
        if (wait > 0) { // other links drew on the bucket meanwhile
            ctx.executor().schedule(() -> payOff(ctx), wait, TimeUnit.NANOSECONDS);
            return;
        }
        inDebt = false;
        ctx.channel().config().setAutoRead(true); // also issues a read
    }

    /** Whether reading is paused because of the bandwidth bucket (for tests and statistics). */
    public boolean isInDebt() {
        return inDebt;
    }
}
