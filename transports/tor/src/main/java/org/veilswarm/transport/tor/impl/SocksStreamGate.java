package org.veilswarm.transport.tor.impl;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the caller's handlers from seeing the stream before tor has connected it: the TCP connection to
 * tor's SOCKS port is active long before the onion service answers. Holds back channelActive, reads
 * (service bytes that arrived in the same segment as the SOCKS reply) and failures until {@link #open},
 * which replays them; a stream that never opens is reported through the connect future only.
 */
final class SocksStreamGate extends ChannelInboundHandlerAdapter {
    private final List<Object> held = new ArrayList<>();
    private boolean open;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open) {
            ctx.fireChannelActive();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open) {
            ctx.fireChannelRead(msg);
        } else {
            held.add(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (open) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open) {
            ctx.fireChannelInactive();
        } else {
            releaseHeld();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (open) {
            ctx.fireExceptionCaught(cause);
        }
        // Before open: the SOCKS failure completes the connect future; the caller's handlers never saw the stream.
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    /** Lets the stream through: channelActive, then what was held. Must run on the channel's event loop. */
    void open(ChannelHandlerContext ctx) {
        open = true;
        ctx.fireChannelActive();
        List<Object> pending = new ArrayList<>(held);
        held.clear();
        pending.forEach(ctx::fireChannelRead);
        if (!pending.isEmpty()) {
            ctx.fireChannelReadComplete();
        }
        ctx.pipeline().remove(this);
    }

    private void releaseHeld() {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }
}
