package org.veilswarm.swarm.engine;

import java.util.concurrent.CompletionStage;

import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportInfo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** A second, separately named transport for tests: real TCP through its own direct transport engine. */
final class RenamedTransport implements Transport {

    private final String scheme;
    private final Transport inner;

    RenamedTransport(String scheme, Transport inner) {
        this.scheme = scheme;
        this.inner = inner;
    }

    @Override
    public TransportInfo info() {
        return new TransportInfo(scheme, Anonymity.NONE, false, 0, "test transport over " + inner.info().scheme());
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
        return RelayCounters.NONE;
    }
}
