package org.veilswarm.tracker.mirror;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.veilswarm.tracker.protocol.StreamConnector;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One GET per stream over any transport, with a bound on the answer's size (checked against
 * {@code Content-Length} before the body arrives, and while it arrives) and a deadline for the whole exchange,
 * so that a source that sends too much or stalls costs the mirror one bounded buffer and one timer.
 */
final class MirrorHttpClient {
    private final StreamConnector connector;

    MirrorHttpClient(StreamConnector connector) {
        this.connector = connector;
    }

    /** An HTTP status and body. */
    record Answer(int status, byte[] body) {
    }

    CompletableFuture<Answer> get(MirrorLink link, String target, int maxBytes, Duration timeout) {
        CompletableFuture<Answer> result = new CompletableFuture<>();
        AtomicReference<Channel> channel = new AtomicReference<>();
        connector.connect(link.endpoint(), new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxBytes),
                        new AnswerHandler(link, target, maxBytes, result));
            }
        }).whenComplete((ch, error) -> {
            if (error != null) {
                result.completeExceptionally(new MirrorException("cannot reach " + link.endpoint() + ": " + error,
                        error));
            } else {
                channel.set(ch);
                if (result.isDone()) {
                    ch.close();
                }
            }
        });
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((answer, error) -> {
            Channel ch = channel.get();
            if (ch != null) {
                ch.close();
            }
        });
        return result.exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof TimeoutException
                ? new MirrorException("source " + link.source() + " did not answer within " + timeout + " (stalled)")
                : e));
    }

    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final MirrorLink link;
        private final String target;
        private final int maxBytes;
        private final CompletableFuture<Answer> result;
        private boolean sent;

        AnswerHandler(MirrorLink link, String target, int maxBytes, CompletableFuture<Answer> result) {
            this.link = link;
            this.target = target;
            this.maxBytes = maxBytes;
            this.result = result;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                send(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            send(ctx);
            super.channelActive(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            if (sent) {
                return;
            }
            sent = true;
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
            request.headers().set(HttpHeaderNames.HOST, link.hostHeader())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
            ctx.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(new MirrorException("cannot send to " + link.endpoint() + ": "
                            + f.cause(), f.cause()));
                    ctx.close();
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (response.decoderResult().isFailure()) {
                result.completeExceptionally(new MirrorException("incomplete (truncated?) or malformed HTTP answer from "
                        + link.source() + ": " + response.decoderResult().cause()));
            } else {
                result.complete(new Answer(response.status().code(), ByteBufUtil.getBytes(response.content())));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(new MirrorException("source " + link.source()
                    + " closed the stream before a complete answer (truncated)"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause instanceof TooLongFrameException
                    ? new MirrorException("answer from " + link.source() + " exceeds the limit of " + maxBytes
                            + " bytes (oversized)", cause)
                    : cause instanceof PrematureChannelClosureException
                            ? new MirrorException("source " + link.source()
                                    + " closed the stream in the middle of its answer (truncated)", cause)
                            : new MirrorException("stream to " + link.source() + " failed: " + cause, cause));
            ctx.close();
        }
    }
}
