package org.veilswarm.transport.onion.limit;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Caps the connections one IP address holds open to a relay at once, as tor's
 * DoSConnectionMaxConcurrentCount does: a connection beyond the cap is closed as soon as it is accepted,
 * before any TLS work, so a connection flood from one address costs neither handshake CPU nor per-link
 * memory. Shared by every accepted channel of one relay (first handler of each).
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("onion-connection-counted");

    private final int maxPerAddress;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    public ConnectionLimiter(int maxPerAddress) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("connections per address must be positive, got " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = addressOf(ctx.channel().remoteAddress());
        if (address != null) {
            boolean[] admitted = new boolean[1];
            open.compute(address, (a, n) -> {
                int count = n == null ? 0 : n;
                admitted[0] = count < maxPerAddress;
                return admitted[0] ? count + 1 : n;
            });
            if (!admitted[0]) {
                refused.increment();
                ctx.close();
                return;
            }
            ctx.channel().attr(COUNTED).set(address);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
        ctx.fireChannelInactive();
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** Connections closed at once because their address already held the maximum. */
    public long refused() {
        return refused.sum();
    }

    /** Connections counted for {@code address} now. */
    public int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
