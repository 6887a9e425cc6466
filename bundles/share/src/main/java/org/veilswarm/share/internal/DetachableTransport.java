package org.veilswarm.share.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ClientAuthSecretKey;
import org.veilswarm.api.transport.ConnectOptions;
import org.veilswarm.api.transport.ListenOptions;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportInfo;

/**
 * A bound transport as the swarm engine sees it, until DS unbinds it. The engine keeps every transport it ever
 * listened on and dials through the first one that {@link #canReach} an address; without this, a transport
 * service that went away (a configuration change restarts the tor transport, an uninstalled bundle) would stay
 * first in line for onion addresses, and every connection would fail with "closed" although its replacement is
 * bound. Once {@link #detach()}ed it reaches nothing and holds no reference to the old service (so an uninstalled
 * bundle's classes can go).
 */
final class DetachableTransport implements Transport {
    private final TransportInfo info;
    private volatile Transport delegate;

    DetachableTransport(Transport delegate) {
        this.delegate = delegate;
        this.info = delegate.info();
    }

    /** The transport is gone: from now on this one reaches nothing. */
    void detach() {
        delegate = null;
    }

    @Override
    public TransportInfo info() {
        return info;
    }

    @Override
    public boolean canReach(TransportAddress address) {
        Transport t = delegate;
        return t != null && t.canReach(address);
    }

    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        Transport t = delegate;
        return t != null ? t.listen(key, port, childInitializer) : CompletableFuture.failedFuture(gone());
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        Transport t = delegate;
        return t != null ? t.connect(to, initializer) : CompletableFuture.failedFuture(gone());
    }

    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer,
            ListenOptions options) {
        Transport t = delegate;
        return t != null ? t.listen(key, port, childInitializer, options) : CompletableFuture.failedFuture(gone());
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer,
            ConnectOptions options) {
        Transport t = delegate;
        return t != null ? t.connect(to, initializer, options) : CompletableFuture.failedFuture(gone());
    }

    @Override
    public boolean supportsClientAuthorization() {
        Transport t = delegate;
        return t != null && t.supportsClientAuthorization();
    }

    @Override
    public boolean addClientAuthorization(OnionAddress service, ClientAuthSecretKey key) {
        Transport t = delegate;
        return t != null && t.addClientAuthorization(service, key);
    }

    @Override
    public void removeClientAuthorization(OnionAddress service) {
        Transport t = delegate;
        if (t != null) {
            t.removeClientAuthorization(service);
        }
    }

    @Override
    public RelayCounters relayCounters() {
        Transport t = delegate;
        return t != null ? t.relayCounters() : RelayCounters.NONE;
    }

    private TransportException gone() {
        return new TransportException(TransportException.Reason.CLOSED, "the " + info.scheme()
                + " transport was unbound");
    }
}
