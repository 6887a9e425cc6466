package org.veilswarm.transport.tor.impl;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;

/** One virtual port of an onion service added through the control port, and the loopback server socket its streams arrive on. */
final class TorOnionListener implements Listener {
    private final TransportAddress address;
    private final Channel serverChannel;
    private final String serviceId;
    private final ServiceKey key;
    private final Function<TorOnionListener, CompletableFuture<Void>> withdraw;
    private CompletableFuture<Void> closing;

    TorOnionListener(TransportAddress address, Channel serverChannel, String serviceId, ServiceKey key,
            Function<TorOnionListener, CompletableFuture<Void>> withdraw) {
        this.address = address;
        this.serverChannel = serverChannel;
        this.serviceId = serviceId;
        this.key = key;
        this.withdraw = withdraw;
    }

    @Override
    public TransportAddress address() {
        return address;
    }

    @Override
    public synchronized boolean isOpen() {
        return closing == null && serverChannel.isOpen();
    }

    @Override
    public synchronized CompletionStage<Void> closeAsync() {
        if (closing == null) {
            closing = withdraw.apply(this);
        }
        return closing;
    }

    Channel serverChannel() {
        return serverChannel;
    }

    String serviceId() {
        return serviceId;
    }

    /** The key the service was published under: needed to publish the key's other ports again. */
    ServiceKey key() {
        return key;
    }

    /** The local port tor forwards the service's streams to. */
    int localPort() {
        return ((java.net.InetSocketAddress) serverChannel.localAddress()).getPort();
    }
}
