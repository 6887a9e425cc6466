package org.veilswarm.tracker.protocol;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;

import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Announces to and scrapes HTTP trackers over any {@link StreamConnector}: one stream per request, closed
 * after the answer ({@code Connection: close}, as opentracker does anyway). Every call has a deadline; the
 * caller schedules the next announce with {@link AnnounceSchedule}.
 */
public final class TrackerClient {
    /** Largest response body accepted: a 200-peer answer is about 7 KiB. */
    public static final int MAX_RESPONSE_BYTES = 256 * 1024;
    private static final String USER_AGENT = "Veilswarm/0.1";

    private final StreamConnector connector;
    private final Duration timeout;

    public TrackerClient(StreamConnector connector, Duration timeout) {
        this.connector = Objects.requireNonNull(connector, "connector");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeout = timeout;
    }

    /**
     * Announces; completes with the response, or exceptionally with {@link TrackerFailureException} (the
     * tracker refused), {@link TrackerResponseException} (bad answer or HTTP status) or a transport error.
     */
    public CompletableFuture<AnnounceResponse> announce(TrackerUrl url, AnnounceRequest request) {
        return get(url, request.toQuery()).thenApply(body -> {
            try {
                return AnnounceResponse.parse(body);
            } catch (TrackerFailureException | TrackerResponseException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Announces, retrying after transport errors, timeouts and bad answers with the back-off of
     * {@code schedule}, at most {@code maxAttempts} times in all. A {@code failure reason} is not retried:
     * the tracker understood and refused, and asking again at once would not change its mind. The caller
     * schedules the next regular announce with {@link AnnounceSchedule#afterSuccess}.
     */
    public CompletableFuture<AnnounceResponse> announce(TrackerUrl url, AnnounceRequest request,
            AnnounceSchedule schedule, int maxAttempts, ScheduledExecutorService scheduler) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        CompletableFuture<AnnounceResponse> result = new CompletableFuture<>();
        attempt(url, request, schedule, maxAttempts, scheduler, result);
        return result;
    }

    private void attempt(TrackerUrl url, AnnounceRequest request, AnnounceSchedule schedule, int attemptsLeft,
            ScheduledExecutorService scheduler, CompletableFuture<AnnounceResponse> result) {
        announce(url, request).whenComplete((response, error) -> {
            if (error == null) {
                schedule.afterSuccess(response);
                result.complete(response);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof TrackerFailureException || attemptsLeft <= 1) {
                result.completeExceptionally(cause);
                return;
            }
            Duration delay = schedule.afterFailure();
            scheduler.schedule(() -> attempt(url, request, schedule, attemptsLeft - 1, scheduler, result),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** Scrapes (BEP 48) {@code infoHashes} at a scrape URL ({@link TrackerUrl#scrape()}). */
    public CompletableFuture<Map<InfoHash, SwarmCounts>> scrape(TrackerUrl scrapeUrl, List<InfoHash> infoHashes) {
        return get(scrapeUrl, ScrapeRequest.toQuery(infoHashes)).thenApply(body -> {
            try {
                return ScrapeResponse.parse(body);
            } catch (TrackerFailureException | TrackerResponseException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** GETs {@code url?query} and completes with the body of a 200 answer. */
    public CompletableFuture<byte[]> get(TrackerUrl url, String query) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        AtomicReference<Channel> channel = new AtomicReference<>();
        String target = query.isEmpty() ? url.path() : url.path() + "?" + query;
        connector.connect(url.address(), new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                        new ResponseHandler(url, target, result));
            }
        }).whenComplete((ch, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                channel.set(ch);
                if (result.isDone()) {
                    ch.close();
                }
            }
        });
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((body, error) -> {
            Channel ch = channel.get();
            if (ch != null) {
                ch.close();
            }
        });
        return result.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                e instanceof TimeoutException ? new TimeoutException("tracker " + url + " did not answer within "
                        + timeout) : e));
    }

    /** Sends the request once the stream is active and completes the future with the answer. */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final TrackerUrl url;
        private final String target;
        private final CompletableFuture<byte[]> result;
        private boolean sent;

        ResponseHandler(TrackerUrl url, String target, CompletableFuture<byte[]> result) {
            this.url = url;
            this.target = target;
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
            request.headers().set(HttpHeaderNames.HOST, url.hostHeader())
                    .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
            ctx.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(f.cause());
                    ctx.close();
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (!response.status().equals(HttpResponseStatus.OK)) {
                result.completeExceptionally(new TrackerResponseException("tracker " + url + " answered HTTP "
                        + response.status()));
            } else {
                result.complete(ByteBufUtil.getBytes(response.content()));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(new TrackerResponseException("tracker " + url
                    + " closed the stream before answering"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new TrackerResponseException("tracker " + url + ": " + cause.getMessage(),
                    cause));
            ctx.close();
        }
    }
}
