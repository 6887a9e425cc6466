package org.veilswarm.node.impl;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.Transport;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportInfo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** A transport that only describes itself: enough for the node's status, which never opens streams. Tests override {@link #info()} for a transport that fails. */
class FixedInfoTransport implements Transport {

    private final TransportInfo info;

    FixedInfoTransport(TransportInfo info) {
        this.info = info;
    }

    static FixedInfoTransport direct() {
        return new FixedInfoTransport(new TransportInfo("direct", Anonymity.NONE, false, 0, "plain TCP"));
    }

    static FixedInfoTransport onion() {
        return new FixedInfoTransport(new TransportInfo("onion", Anonymity.MUTUAL, true, 3, "native onion routing"));
    }

    @Override
    public TransportInfo info() {
        return info;
    }

    @Override
    public boolean canReach(TransportAddress address) {
        return false;
    }

    @Override
    public CompletionStage<Listener> listen(ServiceKey key, int port, ChannelInitializer<Channel> childInitializer) {
        return CompletableFuture.failedFuture(unsupported());
    }

    @Override
    public CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer) {
        return CompletableFuture.failedFuture(unsupported());
    }

    @Override
    public RelayCounters relayCounters() {
        return RelayCounters.NONE;
    }

    private TransportException unsupported() {
        return new TransportException(TransportException.Reason.UNSUPPORTED_ADDRESS, info.scheme() + " test transport carries no streams");
    }
}
