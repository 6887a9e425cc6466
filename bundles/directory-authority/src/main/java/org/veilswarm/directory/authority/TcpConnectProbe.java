package org.veilswarm.directory.authority;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.veilswarm.api.directory.RelayDescriptor;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Reachable = a TCP connection to the relay's first OR address opens within the timeout. Weaker than a link
 * handshake: it does not prove that the listener holds the relay's identity key, so use it where every
 * relay is trusted to be who it says (tests, a LAN) and the link-handshake probe elsewhere.
 */
public final class TcpConnectProbe implements ReachabilityProbe {
    private final EventLoopGroup group;
    private final Duration timeout;

    public TcpConnectProbe(EventLoopGroup group, Duration timeout) {
        this.group = Objects.requireNonNull(group, "group");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public CompletionStage<Void> probe(RelayDescriptor relay) {
        InetSocketAddress address = relay.orAddresses().get(0);
        CompletableFuture<Void> result = new CompletableFuture<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInboundHandlerAdapter()).connect(address)
                .addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        f.channel().close();
                        result.complete(null);
                    } else {
                        result.completeExceptionally(f.cause());
                    }
                });
        return result;
    }
}
