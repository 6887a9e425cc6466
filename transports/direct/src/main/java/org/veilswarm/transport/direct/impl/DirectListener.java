package org.veilswarm.transport.direct.impl;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;

import io.netty.channel.Channel;

/**
 * A bound TCP port: one server socket, or with epoll's {@code SO_REUSEPORT} one per event loop, all on the same
 * port. They open and close together: when one closes (closed by {@link #closeAsync()} or by an error), the others
 * are closed too, and the listener counts as closed once all are. Closing closes only the server sockets: streams
 * they accepted are separate channels and stay open, as {@link Listener#closeAsync()} requires.
 */
final class DirectListener implements Listener {
    private final List<Channel> serverChannels;
    private final TransportAddress address;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    DirectListener(List<Channel> serverChannels, TransportAddress address, Consumer<DirectListener> onClosed) {
        if (serverChannels.isEmpty()) {
            throw new IllegalArgumentException("a listener needs at least one server channel");
        }
        this.serverChannels = List.copyOf(serverChannels);
        this.address = address;
        AtomicInteger open = new AtomicInteger(this.serverChannels.size());
        for (Channel channel : this.serverChannels) {
            channel.closeFuture().addListener(f -> {
                closeChannels();
                if (open.decrementAndGet() == 0) {
                    onClosed.accept(this);
                    closed.complete(null);
                }
            });
        }
    }

    @Override
    public TransportAddress address() {
        return address;
    }

    @Override
    public boolean isOpen() {
        for (Channel channel : serverChannels) {
            if (!channel.isOpen()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CompletionStage<Void> closeAsync() {
        closeChannels();
        return closed.minimalCompletionStage();
    }

    /** The server channels, one per accepting loop; for the engine's shutdown and for tests. */
    List<Channel> serverChannels() {
        return serverChannels;
    }

    private void closeChannels() {
        for (Channel channel : serverChannels) {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "direct listener " + address + (isOpen() ? "" : " (closed)");
    }
}
