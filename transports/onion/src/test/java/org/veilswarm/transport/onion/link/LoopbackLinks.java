package org.veilswarm.transport.onion.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.veilswarm.transport.onion.cell.Cell;

/** A responder listening on 127.0.0.1 and initiators connecting to it, all in this JVM. */
final class LoopbackLinks implements AutoCloseable {
    /** Records outcomes and installs a handler that queues the cells a link receives. */
    static final class Recorder implements LinkListener {
        final BlockingQueue<Link> established = new LinkedBlockingQueue<>();
        final BlockingQueue<LinkHandshakeException> failures = new LinkedBlockingQueue<>();
        final BlockingQueue<Cell> cells = new LinkedBlockingQueue<>();

        @Override
        public void established(Link link) {
            link.channel().pipeline().addLast("test-cells", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Cell cell) {
                        cells.add(cell);
                    } else {
                        ReferenceCountUtil.release(msg);
                    }
                }
            });
            established.add(link);
        }

        @Override
        public void failed(Channel channel, LinkHandshakeException failure) {
            failures.add(failure);
        }

        LinkHandshakeException nextFailure() throws InterruptedException {
            LinkHandshakeException failure = failures.poll(10, TimeUnit.SECONDS);
            if (failure == null) {
                throw new AssertionError("no handshake failure reported within 10 s");
            }
            return failure;
        }

        Link nextLink() throws InterruptedException {
            Link link = established.poll(10, TimeUnit.SECONDS);
            if (link == null) {
                throw new AssertionError("no link established within 10 s; failures: " + failures);
            }
            return link;
        }
    }

    final EventLoopGroup group = new NioEventLoopGroup(2);
    final RelayLinkKeys responderKeys;
    final Recorder responder = new Recorder();
    final Channel server;

    LoopbackLinks(RelayLinkKeys responderKeys, LinkSettings settings) throws Exception {
        this.responderKeys = responderKeys;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(Links.responder(responderKeys,
                        Links.responderTls(responderKeys, settings.cipherSuites()), settings, responder))
                .bind("127.0.0.1", 0).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    Future<Link> connect(byte[] expectedIdentity, RelayLinkKeys ownKeys, LinkSettings settings, Recorder recorder) {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class);
        return Links.connect(bootstrap, address(), expectedIdentity, ownKeys, settings, recorder);
    }

    /** A TLS client that, once TLS is up, writes {@code bytes} raw (no cell codec) and then just waits. */
    Channel rawTlsClient(byte[] bytes) throws Exception {
        return new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) throws Exception {
                channel.pipeline().addLast(Links.initiatorTls(LinkCipherSuites.forThisJvm()).newHandler(channel.alloc()));
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                        if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess() && bytes.length > 0) {
                            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(bytes));
                        }
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                });
            }
        }).connect(address()).sync().channel();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
