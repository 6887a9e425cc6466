package org.veilswarm.transport.onion.throughput;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import java.util.concurrent.TimeUnit;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.transport.onion.service.OnionServices;

/** Opening onion-service streams in tests. */
final class Streams {
    private Streams() {
    }

    /** Connects {@code node} to {@code address} with {@code handler} as the stream's only handler (60 s). */
    static Channel connect(OnionServices node, TransportAddress address, ChannelHandler handler) throws Exception {
        return node.connect(address, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(handler);
            }
        }).get(60, TimeUnit.SECONDS);
    }
}
