package org.veilswarm.transport.direct.impl;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;

import io.netty.channel.Channel;

/**
 * A bound TCP server socket. Closing it closes only the server channel: streams it accepted are separate
 * channels and stay open, as {@link Listener#closeAsync()} requires.
 */
final class DirectListener implements Listener {
    private final Channel serverChannel;
    private final TransportAddress address;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    DirectListener(Channel serverChannel, TransportAddress address, Consumer<DirectListener> onClosed) {
        this.serverChannel = serverChannel;
        this.address = address;
        serverChannel.closeFuture().addListener(f -> {
            onClosed.accept(this);
            closed.complete(null);
        });
    }

    @Override
    public TransportAddress address() {
        return address;
    }

    @Override
    public boolean isOpen() {
        return serverChannel.isOpen();
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        serverChannel.close();
        return closed.minimalCompletionStage();
    }

    /** The server channel, for the engine's shutdown. */
    Channel serverChannel() {
        return serverChannel;
    }

    @Override
    public String toString() {
        return "direct listener " + address + (isOpen() ? "" : " (closed)");
    }
}
