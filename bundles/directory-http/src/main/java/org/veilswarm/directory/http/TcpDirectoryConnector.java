package org.veilswarm.directory.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
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

    /**
     * Fails at once when the group has stopped. Netty drops a listener's notification when the channel's event
     * loop has terminated ("Failed to submit a listener notification task"), and a connect on a group that stops
     * meanwhile is refused before the listener is added: the future is settled from the connect's own state too,
     * or it would stay pending until the client's timeout, holding the caller (and, in a refreshed node, its
     * retired bundle revision) in the JDK's timeout scheduler.
     */
    @Override
    public CompletionStage<Channel> connect(ChannelInitializer<Channel> initializer) {
        if (group.isShuttingDown()) {
            return CompletableFuture.failedFuture(stopped());
        }
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ChannelFuture connecting = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(initializer)
                .connect(address);
        if (connecting.isDone()) {
            settle(connecting, result); // no listener: Netty would log its rejected notification at SEVERE
            return result;
        }
        connecting.addListener((ChannelFutureListener) f -> settle(f, result));
        if (connecting.isDone()) {
            settle(connecting, result); // done in between; settling twice does nothing
        }
        return result;
    }

    private void settle(ChannelFuture connect, CompletableFuture<Channel> result) {
        if (connect.isSuccess()) {
            result.complete(connect.channel()); // settled twice when both paths see it: the second does nothing
        } else if (connect.cause() instanceof RejectedExecutionException) {
            result.completeExceptionally(stopped());
        } else {
            result.completeExceptionally(connect.cause());
        }
    }

    private IOException stopped() {
        return new IOException("the directory client has stopped: no connection to " + name());
    }

    @Override
    public String toString() {
        return "directory " + name();
    }
}
