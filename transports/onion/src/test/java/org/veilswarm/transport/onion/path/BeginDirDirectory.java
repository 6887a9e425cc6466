package org.veilswarm.transport.onion.path;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.directory.http.DirectoryConnector;
import org.veilswarm.transport.onion.stream.CircuitStreams;

/**
 * directory-http's client over BEGIN_DIR streams (tor-spec §6.2) on one circuit: each request opens a
 * stream to the circuit's last relay, which answers with its directory handler. Test code: the onion
 * transport itself never depends on the directory bundles. Public for the engine tests of package internal.
 */
public final class BeginDirDirectory implements DirectoryConnector {
    private final String name;
    private final CircuitStreams streams;

    public BeginDirDirectory(String name, CircuitStreams streams) {
        this.name = name;
        this.streams = streams;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Channel> connect(ChannelInitializer<Channel> initializer) {
        CompletableFuture<Channel> stream = new CompletableFuture<>();
        streams.openDirectory(initializer).addListener(opened -> {
            if (opened.isSuccess()) {
                stream.complete((Channel) opened.getNow());
            } else {
                stream.completeExceptionally(opened.cause());
            }
        });
        return stream;
    }

    @Override
    public String toString() {
        return name;
    }
}
