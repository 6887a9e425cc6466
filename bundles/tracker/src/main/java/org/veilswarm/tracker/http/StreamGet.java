package org.veilswarm.tracker.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.protocol.StreamConnector;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One GET on a fresh stream ({@code Connection: close}, {@code Accept-Encoding: identity}), the answer aggregated up
 * to a bound (Netty's aggregator checks {@code Content-Length} before the body arrives, and the body while it
 * arrives), the whole exchange under one deadline after which the stream is closed: a server that sends too much
 * or stalls costs one bounded buffer and one timer. The caller turns each way it can end into its own result or
 * error through {@link Outcomes}.
 */
public final class StreamGet {
    private StreamGet() {
    }

    /** What the caller makes of each way an exchange ends. */
    public interface Outcomes<T> {
        /** The complete answer; throw to fail the exchange with that exception. */
        T answer(FullHttpResponse response) throws Exception;

        Throwable connectFailed(Throwable cause);

        Throwable sendFailed(Throwable cause);

        /** The stream closed before a complete answer. */
        Throwable closedEarly();

        /** The pipeline failed (too long an answer, a stream closed in the middle of one, ...). */
        Throwable failed(Throwable cause);

        /** No answer within the deadline. */
        Throwable timedOut();
    }

    /**
     * GETs {@code target} from {@code address}.
     *
     * @param host the {@code Host} header
     * @param userAgent the {@code User-Agent} header, or null for none
     */
    public static <T> CompletableFuture<T> get(StreamConnector connector, TransportAddress address, String host,
            String userAgent, String target, int maxBytes, Duration timeout, Outcomes<T> outcomes) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicReference<Channel> channel = new AtomicReference<>();
        connector.connect(address, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxBytes),
                        new AnswerHandler<>(host, userAgent, target, outcomes, result));
            }
        }).whenComplete((ch, error) -> {
            if (error != null) {
                result.completeExceptionally(outcomes.connectFailed(error));
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
                ? outcomes.timedOut() : e));
    }

    /** Sends the request once the stream is active and completes the future with the answer. */
    private static final class AnswerHandler<T> extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final String host;
        private final String userAgent;
        private final String target;
        private final Outcomes<T> outcomes;
        private final CompletableFuture<T> result;
        private boolean sent;

        AnswerHandler(String host, String userAgent, String target, Outcomes<T> outcomes,
                CompletableFuture<T> result) {
            super(FullHttpResponse.class); // EventLoopCachesTest: no class of ours in Netty's thread caches
            this.host = host;
            this.userAgent = userAgent;
            this.target = target;
            this.outcomes = outcomes;
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
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
            request.headers().set(HttpHeaderNames.HOST, host);
            if (userAgent != null) {
                request.headers().set(HttpHeaderNames.USER_AGENT, userAgent);
            }
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
            ctx.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(outcomes.sendFailed(f.cause()));
                    ctx.close();
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            try {
                result.complete(outcomes.answer(response));
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(outcomes.closedEarly());
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(outcomes.failed(cause));
            ctx.close();
        }
    }
}
