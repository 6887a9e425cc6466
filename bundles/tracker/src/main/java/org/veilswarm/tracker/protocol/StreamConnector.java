package org.veilswarm.tracker.protocol;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;
import org.veilswarm.api.transport.TransportAddress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Opens a stream to an address: {@code transport::connect} of any
 * {@link org.veilswarm.api.transport.Transport} fits, so the tracker client runs over onion, tor or direct
 * alike, and tests can pass a plain Netty bootstrap.
 */
@ConsumerType
@FunctionalInterface
public interface StreamConnector {
    /** Connects to {@code to}; {@code initializer} sets up the new channel's pipeline. */
    CompletionStage<Channel> connect(TransportAddress to, ChannelInitializer<Channel> initializer);
}
