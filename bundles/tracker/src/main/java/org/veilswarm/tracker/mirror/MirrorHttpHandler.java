package org.veilswarm.tracker.mirror;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits in the tracker pipeline before the tracker handler and takes the requests whose path is a mirroring
 * path; everything else passes on untouched. A stream that asked for a mirroring answer becomes a mirroring
 * stream: the tracker handler (whose per-request deadline would cut a long poll) leaves the pipeline, the
 * stream reads nothing more, and it is closed after the one answer ({@code Connection: close}). The source
 * bounds the wait; a safety timer closes the stream should an answer never come.
 */
final class MirrorHttpHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "mirror";
    private final MirrorSource source;
    private final long safetyNanos;

    MirrorHttpHandler(MirrorSource source, long safetyNanos) {
        this.source = source;
        this.safetyNanos = safetyNanos;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || request.decoderResult().isFailure()
                || !MirrorSource.isMirrorPath(request.uri())) {
            ctx.fireChannelRead(msg);
            return;
        }
        String method = request.method().name();
        String target = request.uri();
        ReferenceCountUtil.release(request);
        ctx.channel().config().setAutoRead(false);
        if (ctx.pipeline().get(MirrorServerInitializer.TRACKER_HANDLER) != null) {
            ctx.pipeline().remove(MirrorServerInitializer.TRACKER_HANDLER);
        }
        ScheduledFuture<?> safety = ctx.executor().schedule(() -> ctx.close(), safetyNanos, TimeUnit.NANOSECONDS);
        ctx.channel().closeFuture().addListener(f -> safety.cancel(false));
        source.handle(method, target).whenComplete((reply, error) -> {
            MirrorSource.Reply answer = error == null ? reply
                    : new MirrorSource.Reply(500, org.veilswarm.tracker.protocol.AnnounceResponse.failure(
                            "mirror source failed"));
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        });
    }
}
