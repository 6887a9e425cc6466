package org.veilswarm.directory.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
 * Asks one directory server, one stream per request ({@code Connection: close}: directory requests are rare
 * and BEGIN_DIR streams are cheap). Offers gzip and inflates with a cap; every request has a deadline.
 */
public final class DirectoryHttpClient {
    private static final String USER_AGENT = "Veilswarm/0.1";

    private final DirectoryConnector connector;
    private final Duration timeout;
    private final int maxResponseBytes;
    private final boolean offerGzip;

    /**
     * @param maxResponseBytes the cap on a response body, compressed and after inflating
     * @param offerGzip whether to send {@code Accept-Encoding: gzip}
     */
    public DirectoryHttpClient(DirectoryConnector connector, Duration timeout, int maxResponseBytes,
            boolean offerGzip) {
        this.connector = Objects.requireNonNull(connector, "connector");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeout = timeout;
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes must be positive");
        }
        this.maxResponseBytes = maxResponseBytes;
        this.offerGzip = offerGzip;
    }

    public DirectoryConnector connector() {
        return connector;
    }

    public String name() {
        return connector.name();
    }

    /** GETs {@code path}; completes with the (inflated) body of a 200 answer. */
    public CompletableFuture<Response> get(String path) {
        return exchange(HttpMethod.GET, path, new byte[0]);
    }

    /** POSTs {@code body} to {@code path}; completes with the body of a 200 answer. */
    public CompletableFuture<Response> post(String path, byte[] body) {
        return exchange(HttpMethod.POST, path, body);
    }

    /**
     * A 200 answer.
     *
     * @param body the body after inflating
     * @param transferred bytes of body on the wire (compressed when gzip was used)
     */
    public record Response(byte[] body, int transferred) {
    }

    private CompletableFuture<Response> exchange(HttpMethod method, String path, byte[] body) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        AtomicReference<Channel> channel = new AtomicReference<>();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, "directory")
                .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.ACCEPT_ENCODING, offerGzip ? HttpHeaderValues.GZIP : HttpHeaderValues.IDENTITY)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (body.length > 0) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, DirectoryResponse.BINARY);
        }
        connector.connect(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ResponseHandler(request, result));
            }
        }).whenComplete((ch, error) -> {
            if (error != null) {
                request.release();
                result.completeExceptionally(error);
            } else {
                channel.set(ch);
                if (result.isDone()) {
                    ch.close();
                }
            }
        });
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, error) -> {
            Channel ch = channel.get();
            if (ch != null) {
                ch.close();
            }
        });
        return result.exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof TimeoutException
                ? new TimeoutException("directory " + connector.name() + " did not answer " + path + " within "
                        + timeout) : e));
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final FullHttpRequest request;
        private final CompletableFuture<Response> result;
        private boolean sent;

        ResponseHandler(FullHttpRequest request, CompletableFuture<Response> result) {
            super(FullHttpResponse.class); // EventLoopCachesTest: no class of ours in Netty's thread caches
            this.request = request;
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

        /**
         * Puts the HTTP codec before this handler, now that the connection is up, and sends the request. The codec's
         * decoder allocates a buffer when it is made, and with Netty's leak detection a sampled allocation keeps a
         * stack-trace record, in a static set, until the buffer is released or the detector next samples; the
         * record's frames hold this bundle's classes. Made in {@code initChannel}, the codecs of a node retrying an
         * unreachable authority (it does for as long as it waits for a directory) left records that kept this
         * bundle's retired revisions (and, through them, crypto's and directory-core's) alive after an update
         * (RetiredRevisionTest, testnet node). A connection that never comes up now allocates nothing.
         */
        private void send(ChannelHandlerContext ctx) {
            if (sent) {
                return;
            }
            sent = true;
            ctx.pipeline().addBefore(ctx.name(), null, new HttpClientCodec());
            ctx.pipeline().addBefore(ctx.name(), null, new HttpObjectAggregator(maxResponseBytes));
            ctx.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(f.cause());
                    ctx.close();
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            byte[] raw = ByteBufUtil.getBytes(response.content());
            ctx.close();
            if (!response.decoderResult().isSuccess()) {
                result.completeExceptionally(new DirectoryHttpException(0, "directory " + connector.name()
                        + " sent a malformed HTTP response"));
                return;
            }
            int status = response.status().code();
            if (status != 200) {
                String text = new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.UTF_8).strip();
                result.completeExceptionally(new DirectoryHttpException(status, "directory " + connector.name()
                        + " answered " + response.status() + ": " + text));
                return;
            }
            String encoding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING, "identity");
            try {
                if (encoding.equalsIgnoreCase("gzip") && offerGzip) {
                    result.complete(new Response(Gzip.decompress(raw, maxResponseBytes), raw.length));
                } else if (encoding.equalsIgnoreCase("identity")) {
                    result.complete(new Response(raw, raw.length));
                } else {
                    result.completeExceptionally(new DirectoryHttpException(status, "directory " + connector.name()
                            + " used content coding " + encoding + " that was not offered"));
                }
            } catch (IOException e) {
                result.completeExceptionally(new DirectoryHttpException(status, "directory " + connector.name()
                        + ": " + e.getMessage()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(new DirectoryHttpException(0, "directory " + connector.name()
                    + " closed the stream before answering"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new DirectoryHttpException(0, "directory " + connector.name() + ": "
                    + cause.getMessage()));
            ctx.close();
        }
    }
}
