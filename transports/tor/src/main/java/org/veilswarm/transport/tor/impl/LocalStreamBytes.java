package org.veilswarm.transport.tor.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes tor delivered to this node's streams over loopback (SOCKS streams and onion-service
 * streams alike). With {@code CountPrivateBandwidth 1} (implied by TestingTorNetwork) tor's BW events include
 * these local bytes, and the relay estimate must take them out again ({@link TorRelayCounters}).
 */
@Sharable
final class LocalStreamBytes extends ChannelInboundHandlerAdapter {
    private final LongAdder fromTor = new LongAdder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            fromTor.add(buf.readableBytes());
        } else if (msg instanceof ByteBufHolder holder) {
            fromTor.add(holder.content().readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    long fromTor() {
        return fromTor.sum();
    }
}
