package org.veilswarm.swarm.engine;

import java.util.concurrent.CompletionStage;

import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * A transport that hands everything to another one; tests override the one call whose behaviour they change
 * (a failed first dial, a handler added to a connection's pipeline, another scheme). Public for the share
 * bundle's tests (this module's test-jar).
 */
public abstract class ForwardingTransport implements Transport {
    protected final Transport inner;

    protected ForwardingTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public TransportInfo info() {
        return inner.info();
    }

    @Override
    public boolean canReach(TransportAddress address) {
        return inner.canReach(address);
    }

    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return inner.listen(key, port, childInitializer);
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return inner.connect(to, initializer);
    }

    @Override
    public RelayCounters relayCounters() {
        return inner.relayCounters();
    }
}
