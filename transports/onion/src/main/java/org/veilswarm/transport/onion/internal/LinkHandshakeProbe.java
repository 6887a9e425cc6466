package org.veilswarm.transport.onion.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayReachabilityProbe;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkListener;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;

/**
 * Reachable = a link handshake with the descriptor's first OR address completes and the responder's CERTS
 * cell proves the descriptor's Ed25519 identity (tor-spec §4.2, §4.4; the check is {@link Links#connect}'s).
 * This is how an authority tests a relay before listing it Running (dir-spec §3.4.1): a TCP connect alone would
 * list whoever listens at the address. The link is closed as soon as it is up; no circuit is built.
 */
public final class LinkHandshakeProbe implements RelayReachabilityProbe {
    private static final LinkListener NOTHING_TO_DO = link -> { };

    private final Bootstrap bootstrap;
    private final LinkSettings settings;

    /** @param timeout bound on each handshake step (TCP connect, TLS, VERSIONS, CERTS, NETINFO) */
    public LinkHandshakeProbe(EventLoopGroup group, Duration timeout) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(timeout, "timeout");
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        this.settings = LinkSettings.defaults().withStepTimeout(timeout);
    }

    @Override
    public CompletionStage<Void> probe(RelayDescriptor relay) {
        InetSocketAddress address = relay.orAddresses().get(0);
        CompletableFuture<Void> result = new CompletableFuture<>();
        Links.connect(bootstrap, address, relay.identity(), null, settings, NOTHING_TO_DO).addListener(f -> {
            if (f.isSuccess()) {
                ((Link) f.getNow()).close();
                result.complete(null);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }
}
