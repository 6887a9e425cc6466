package org.veilswarm.transport.onion.hs;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The HSDir side of rend-spec-v3 §2.2.6 on any stream channel (an onion BEGIN_DIR stream, or TCP in tests),
 * shaped like bundles/directory-http's server: HTTP/1.1 with small limits, a request body of at most one
 * descriptor (larger uploads get 413 from the aggregator), keep-alive.
 * <ul>
 * <li>{@code POST /tor/hs/3/publish}: 200 when stored; 400 with the reason for an invalid descriptor;
 *     409 for a stale revision; 503 when the store is full.</li>
 * <li>{@code GET /tor/hs/3/<z>}: 200 with the descriptor, 404 if none is stored.</li>
 * </ul>
 */
public final class HsDirServerInitializer extends ChannelInitializer<Channel> {
    /** A stream idle this long between requests is closed. */
    public static final int IDLE_SECONDS = 60;

    private final HsDirStore store;

    public HsDirServerInitializer(HsDirStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("hsdir-idle", new ReadTimeoutHandler(IDLE_SECONDS));
        ch.pipeline().addLast("hsdir-http", new HttpServerCodec(512, 4096, 8192));
        ch.pipeline().addLast("hsdir-aggregate", new HttpObjectAggregator(HsDescriptor.MAX_SIZE, true));
        ch.pipeline().addLast("hsdir", new Handler(store));
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final HsDirStore store;

        Handler(HsDirStore store) {
            this.store = store;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            HttpResponseStatus status;
            byte[] body;
            if (!request.decoderResult().isSuccess()) {
                status = HttpResponseStatus.BAD_REQUEST;
                body = text("malformed HTTP request");
            } else if (request.method().equals(HttpMethod.POST) && request.uri().equals(HsDirPaths.PUBLISH)) {
                try {
                    store.publish(ByteBufUtil.getBytes(request.content()));
                    status = HttpResponseStatus.OK;
                    body = text("stored");
                } catch (DescriptorException e) {
                    status = HttpResponseStatus.BAD_REQUEST;
                    body = text(e.getMessage());
                } catch (HsDirStore.RefusedException e) {
                    status = e.refusal() == HsDirStore.Refusal.FULL ? HttpResponseStatus.SERVICE_UNAVAILABLE
                            : HttpResponseStatus.CONFLICT;
                    body = text(e.getMessage());
                }
            } else if (request.method().equals(HttpMethod.GET)) {
                Optional<byte[]> key = HsDirPaths.parseFetch(request.uri());
                Optional<byte[]> found = key.flatMap(store::fetch);
                status = found.isPresent() ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND;
                body = found.orElseGet(() -> text(key.isPresent() ? "no descriptor" : "not an HSDir path"));
            } else {
                status = HttpResponseStatus.METHOD_NOT_ALLOWED;
                body = text("only GET " + HsDirPaths.FETCH_PREFIX + "<key> and POST " + HsDirPaths.PUBLISH);
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, status == HttpResponseStatus.OK
                    && request.method().equals(HttpMethod.GET) ? "text/plain; charset=us-ascii" : "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request)) {
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static byte[] text(String message) {
            return (message + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }
}
