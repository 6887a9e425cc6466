package org.veilswarm.tracker.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

/**
 * What one connection costs Netty alone, as a floor under our tracker's CPU per announce: an epoll server that
 * reads a request up to its blank line and answers every request with the same bytes (a real answer of our
 * memory tracker, captured once), then closes. No HTTP codec, no query parsing, no store, no transport layer:
 * only Netty's accepted channel, its pipeline of one handler, one read, one write and the close. With
 * {@code loops} &gt; 1 each loop accepts on a {@code SO_REUSEPORT} socket of its own, as the direct transport does.
 */
final class NettyFloorServer implements AutoCloseable {
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final EpollEventLoopGroup group;
    private final List<Channel> servers = new ArrayList<>();
    private final int port;

    private NettyFloorServer(EpollEventLoopGroup group, int port) {
        this.group = group;
        this.port = port;
    }

    /** Starts a floor server on 127.0.0.1 with {@code loops} event loops that answers with {@code answer}. */
    static NettyFloorServer start(int loops, byte[] answer) throws InterruptedException {
        ByteBuf shared = Unpooled.unreleasableBuffer(Unpooled.directBuffer(answer.length).writeBytes(answer));
        return start(loops, new FixedAnswer(shared));
    }

    /** A server like {@link #start(int, byte[])} whose accepted channels get {@code child} instead. */
    static NettyFloorServer start(int loops, ChannelHandler child) throws InterruptedException {
        EpollEventLoopGroup group = new EpollEventLoopGroup(loops, new DefaultThreadFactory("bench-floor", true));
        List<Channel> bound = new ArrayList<>();
        int port = 0;
        for (EventExecutor executor : group) {
            // Each loop accepts and serves its own connections, as the direct transport's listeners do.
            EventLoop loop = (EventLoop) executor;
            ServerBootstrap bootstrap = new ServerBootstrap().group(loop, loop).channel(EpollServerSocketChannel.class)
                    .childHandler(child);
            if (loops > 1) {
                bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            Channel server = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            port = ((InetSocketAddress) server.localAddress()).getPort();
            bound.add(server);
        }
        NettyFloorServer server = new NettyFloorServer(group, port);
        server.servers.addAll(bound);
        return server;
    }

    int port() {
        return port;
    }

    /** The whole answer of an HTTP server on 127.0.0.1:{@code port} to one GET of {@code path} (it must close). */
    static byte[] answerOf(int port, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toByteArray();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Channel server : servers) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Answers once the request's head is in, whatever it asked; one instance for all channels. */
    @ChannelHandler.Sharable
    private static final class FixedAnswer extends ChannelInboundHandlerAdapter {
        private final ByteBuf answer;

        FixedAnswer(ByteBuf answer) {
            this.answer = answer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                // The load generator's requests fit one read; a request split over reads is answered at its end.
                if (endsWithBlankLine(in)) {
                    ctx.writeAndFlush(answer.duplicate()).addListener(ChannelFutureListener.CLOSE);
                }
            } finally {
                ReferenceCountUtil.release(in);
            }
        }

        private static boolean endsWithBlankLine(ByteBuf in) {
            int end = in.writerIndex();
            if (end - in.readerIndex() < END_OF_HEAD.length) {
                return false;
            }
            for (int i = 0; i < END_OF_HEAD.length; i++) {
                if (in.getByte(end - END_OF_HEAD.length + i) != END_OF_HEAD[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
