package org.veilswarm.tracker.impl;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * The benchmark's leanest tracker (TrackerAnnounceBenchmark, {@code -Dbench.floor=true}): the Netty floor's
 * one-handler pipeline (one read, one write, close) with our real request handling in between, i.e.
 * {@link TrackerService#handle} and {@link TrackerResponseBytes}. No {@link PlainRequestReader} checks, no HTTP
 * codec fallback, no request deadline, no admission: what is left when everything around the tracker's own work
 * is taken away, to tell how far below the floor our parse, store and encode alone put a server. Not a server to
 * run: it trusts the load generator's requests (one read, well formed).
 */
@ChannelHandler.Sharable
public final class FloorTrackerHandler extends ChannelInboundHandlerAdapter {
    private final TrackerService service;

    public FloorTrackerHandler(TrackerService service) {
        this.service = service;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            int start = in.readerIndex();
            int end = in.writerIndex();
            // The load generator's request arrives in one read and ends with CRLF CRLF.
            if (end - start < 4 || in.getByte(end - 1) != '\n' || in.getByte(end - 3) != '\n') {
                return;
            }
            int methodEnd = in.indexOf(start, end, (byte) ' ');
            int targetEnd = in.indexOf(methodEnd + 1, end, (byte) ' ');
            String method = in.toString(start, methodEnd - start, StandardCharsets.US_ASCII);
            String target = in.toString(methodEnd + 1, targetEnd - methodEnd - 1, StandardCharsets.US_ASCII);
            TrackerReply reply = service.handle(method, target, ctx.channel().remoteAddress());
            ctx.writeAndFlush(TrackerResponseBytes.encode(ctx.alloc(), HttpResponseStatus.valueOf(reply.status()),
                    reply.body(), false)).addListener(ChannelFutureListener.CLOSE);
        } finally {
            ReferenceCountUtil.release(in);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
