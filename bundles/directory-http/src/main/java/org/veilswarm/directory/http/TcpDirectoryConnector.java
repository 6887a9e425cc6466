package org.veilswarm.directory.http;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Plain TCP to a directory's address: loopback tests, LAN, authorities reaching each other directly. */
public final class TcpDirectoryConnector implements DirectoryConnector {
    private final EventLoopGroup group;
    private final InetSocketAddress address;

    public TcpDirectoryConnector(EventLoopGroup group, InetSocketAddress address) {
        this.group = Objects.requireNonNull(group, "group");
        this.address = Objects.requireNonNull(address, "address");
    }

    @Override
    public String name() {
        return address.getHostString() + ":" + address.getPort();
    }

    @Override
    public CompletionStage<Channel> connect(ChannelInitializer<Channel> initializer) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(initializer).connect(address)
                .addListener((io.netty.channel.ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        result.complete(f.channel());
                    } else {
                        result.completeExceptionally(f.cause());
                    }
                });
        return result;
    }

    @Override
    public String toString() {
        return "directory " + name();
    }
}
