package org.veilswarm.transport.onion.hs;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
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
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HSDir request over a stream channel the caller opened (rend-spec-v3 §2.2.6 asks for a fresh anonymous
 * circuit per request, so the client takes the channel, sends one request with {@code Connection: close},
 * and closes the channel when the answer or the deadline arrives). The channel must be active and have an
 * empty pipeline apart from transport handlers.
 */
public final class HsDirClient {
    private static final int MAX_ERROR_BODY = 4096;

    private HsDirClient() {
    }

    /** Uploads a descriptor; completes when the HSDir answered 200, else fails with {@link HsDirException}. */
    public static CompletableFuture<Void> publish(Channel channel, byte[] descriptor, Duration timeout) {
        if (descriptor.length > HsDescriptor.MAX_SIZE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("descriptor of " + descriptor.length
                    + " bytes exceeds " + HsDescriptor.MAX_SIZE));
        }
        return exchange(channel, HttpMethod.POST, HsDirPaths.PUBLISH, descriptor, timeout).thenApply(body -> null);
    }

    /**
     * Fetches the descriptor for a blinded key; the body is returned unverified (open it with
     * {@link HsDescriptorReader}). A 404 fails with an {@link HsDirException} whose {@code notFound()} is true.
     */
    public static CompletableFuture<byte[]> fetch(Channel channel, byte[] blindedKey, Duration timeout) {
        return exchange(channel, HttpMethod.GET, HsDirPaths.fetch(blindedKey), new byte[0], timeout);
    }

    private static CompletableFuture<byte[]> exchange(Channel channel, HttpMethod method, String path, byte[] body,
            Duration timeout) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, "hsdir")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        channel.pipeline().addLast("hsdir-http", new HttpClientCodec());
        channel.pipeline().addLast("hsdir-aggregate", new HttpObjectAggregator(HsDescriptor.MAX_SIZE));
        channel.pipeline().addLast("hsdir-client", new ResponseHandler(path, result));
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
            }
        });
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> channel.close());
        return result.exceptionallyCompose(e -> CompletableFuture.failedFuture(e instanceof TimeoutException
                ? new TimeoutException("HSDir did not answer " + method + " " + path + " within " + timeout) : e));
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final String path;
        private final CompletableFuture<byte[]> result;

        ResponseHandler(String path, CompletableFuture<byte[]> result) {
            this.path = path;
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (!response.decoderResult().isSuccess()) {
                result.completeExceptionally(new IOException("malformed HTTP answer from the HSDir for " + path));
            } else if (response.status().code() == 200) {
                result.complete(ByteBufUtil.getBytes(response.content()));
            } else {
                int length = Math.min(response.content().readableBytes(), MAX_ERROR_BODY);
                String reason = response.content().toString(response.content().readerIndex(), length,
                        StandardCharsets.UTF_8).strip();
                result.completeExceptionally(new HsDirException(response.status().code(),
                        "HSDir answered " + response.status() + " for " + path + (reason.isEmpty() ? "" : ": " + reason)));
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(new ClosedChannelException());
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
