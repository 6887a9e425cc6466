package org.veilswarm.directory.http;

import java.util.List;
import java.util.Optional;

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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The serving side of a directory stream (RFC 9112 HTTP/1.1): small limits on request line, headers and
 * body (the largest request is a 4 KiB descriptor upload), keep-alive, and each request handed to the
 * services in order; the first that answers wins, none gives 404. Services run on the stream's event loop.
 */
public final class DirectoryServerInitializer extends ChannelInitializer<Channel> {
    /** Largest request body: a descriptor (4,096 bytes) with room. */
    public static final int MAX_REQUEST_BODY = 8 * 1024;
    /** A stream idle this long between requests is closed. */
    public static final int IDLE_SECONDS = 60;

    private final List<DirectoryHttpService> services;

    public DirectoryServerInitializer(List<DirectoryHttpService> services) {
        this.services = List.copyOf(services);
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("directory-idle", new ReadTimeoutHandler(IDLE_SECONDS));
        ch.pipeline().addLast("directory-http", new HttpServerCodec(512, 4096, 8192));
        ch.pipeline().addLast("directory-aggregate", new HttpObjectAggregator(MAX_REQUEST_BODY, true));
        ch.pipeline().addLast("directory", new Handler(services));
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final List<DirectoryHttpService> services;

        Handler(List<DirectoryHttpService> services) {
            super(FullHttpRequest.class); // EventLoopCachesTest: no class of ours in Netty's thread caches
            this.services = services;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            DirectoryResponse answer;
            if (!request.decoderResult().isSuccess()) {
                answer = DirectoryResponse.error(400, "malformed HTTP request");
            } else {
                answer = serve(request, ctx.channel().remoteAddress());
            }
            boolean keepAlive = request.decoderResult().isSuccess() && HttpUtil.isKeepAlive(request);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.status() == 200 ? DirectoryResponse.BINARY
                    : "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            if (answer.gzipped()) {
                response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
            }
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }

        private DirectoryResponse serve(FullHttpRequest request, java.net.SocketAddress remote) {
            String uri = request.uri();
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            boolean gzip = acceptsGzip(request.headers().get(HttpHeaderNames.ACCEPT_ENCODING, ""));
            DirectoryRequest r = new DirectoryRequest(request.method().name(), path,
                    ByteBufUtil.getBytes(request.content()), gzip,
                    remote instanceof java.net.InetSocketAddress ip && ip.getAddress() != null
                            ? java.util.Optional.of(ip.getAddress()) : java.util.Optional.empty());
            for (DirectoryHttpService service : services) {
                Optional<DirectoryResponse> answer = service.serve(r);
                if (answer.isPresent()) {
                    return answer.get();
                }
            }
            return DirectoryResponse.error(404, "no directory resource " + path);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Whether an {@code Accept-Encoding} value (RFC 9110 §12.5.3) lists gzip (or {@code *}) with a non-zero
     * quality. Malformed weights count as not accepted.
     */
    static boolean acceptsGzip(String header) {
        boolean gzip = false;
        boolean star = false;
        boolean gzipListed = false;
        for (String element : header.split(",")) {
            String[] parts = element.split(";");
            String coding = parts[0].strip().toLowerCase(java.util.Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip().toLowerCase(java.util.Locale.ROOT);
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzipListed = true;
                gzip = q > 0;
            } else if (coding.equals("*")) {
                star = q > 0;
            }
        }
        return gzipListed ? gzip : star;
    }
}
