package org.veilswarm.transport.tor.impl;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Writes a byte array when the stream becomes active, in 64 KiB chunks with back-pressure, then closes. */
final class FileSender extends ChannelInboundHandlerAdapter {
    private static final int CHUNK = 64 * 1024;
    private final byte[] content;
    private final Byte prefix;
    private int offset;
    private boolean closing;

    FileSender(byte[] content) {
        this(content, null);
    }

    /** Sends {@code prefix} (if not null) before the content: a command byte for {@link ServiceExchange}. */
    FileSender(byte[] content, Byte prefix) {
        this.content = content;
        this.prefix = prefix;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (prefix != null) {
            ctx.write(Unpooled.wrappedBuffer(new byte[] {prefix}));
        }
        writeMore(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writeMore(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        io.netty.util.ReferenceCountUtil.release(msg);
    }

    private void writeMore(ChannelHandlerContext ctx) {
        while (offset < content.length && ctx.channel().isWritable()) {
            int start = offset;
            int length = Math.min(CHUNK, content.length - start);
            // Advance first: write() can re-enter writeMore through channelWritabilityChanged.
            offset += length;
            ctx.write(Unpooled.wrappedBuffer(content, start, length));
        }
        ctx.flush();
        if (offset == content.length && !closing) {
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
