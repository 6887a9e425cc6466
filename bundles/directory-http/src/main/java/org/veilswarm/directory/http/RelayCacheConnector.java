package org.veilswarm.directory.http;

import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.veilswarm.api.directory.DirectoryStreams;
import org.veilswarm.api.directory.RelayDescriptor;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Directory streams to one relay acting as a directory cache, opened by the bound {@link DirectoryStreams}
 * service (the onion transport: BEGIN_DIR on a one-hop circuit, tor-spec §6.2). The service is looked up at every
 * request, so a transport that goes away or comes back is followed; while none is bound a request fails.
 */
public final class RelayCacheConnector implements DirectoryConnector {
    private final Supplier<DirectoryStreams> streams;
    private final RelayDescriptor relay;
    private final String name;

    /** @param streams the service bound now, or null */
    public RelayCacheConnector(Supplier<DirectoryStreams> streams, RelayDescriptor relay) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.relay = Objects.requireNonNull(relay, "relay");
        this.name = nameOf(relay);
    }

    /** A cache's name: the first 16 hex digits of its identity and its first OR address. */
    public static String nameOf(RelayDescriptor relay) {
        return "cache " + HexFormat.of().formatHex(relay.identity(), 0, 8) + "@"
                + relay.orAddresses().get(0).getHostString() + ":" + relay.orAddresses().get(0).getPort();
    }

    public RelayDescriptor relay() {
        return relay;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Channel> connect(ChannelInitializer<Channel> initializer) {
        DirectoryStreams service = streams.get();
        if (service == null) {
            return CompletableFuture.failedFuture(new DirectoryHttpException(0, name
                    + ": no directory stream service is bound (install the onion transport)"));
        }
        return service.open(relay, initializer);
    }

    @Override
    public String toString() {
        return name;
    }
}
