package org.veilswarm.transport.onion.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.transport.onion.stream.ClosesOnError;

/**
 * Relaying engines on 127.0.0.1, each its own HSDir over BEGIN_DIR and introduction / rendezvous point (as
 * {@link OnionTransportEngine} sets its relay up), for the tests that reach an onion service through the transport
 * SPI; closed together. Plus the echo service and the text-collecting client those tests talk through.
 */
final class RelayingEngines implements AutoCloseable {
    private final List<OnionTransportEngine> engines = new ArrayList<>();

    RelayingEngines(int count) {
        try {
            for (int i = 0; i < count; i++) {
                engines.add(new OnionTransportEngine(
                        new OnionTransportSettings("127.0.0.1", 0, "", true, 1000, 0, 0, 1),
                        EngineTestValues.serviceKey(Ed25519.generateKeyPair())));
            }
        } catch (RuntimeException e) {
            close(); // the test never gets this instance to close
            throw e;
        }
    }

    OnionTransportEngine get(int index) {
        return engines.get(index);
    }

    /** Gives every engine a directory listing all of them (each its own sampling seed). */
    void bindDirectory() {
        List<RelayDescriptor> relays = engines.stream()
                .map(e -> EngineTestValues.descriptor(e.relayTarget().orElseThrow())).toList();
        for (int i = 0; i < engines.size(); i++) {
            engines.get(i).directory().add(new FullListRelaySampler(relays, new SplittableRandom(i), 64), "test");
        }
    }

    @Override
    public void close() {
        engines.forEach(OnionTransportEngine::close);
    }

    /** A service's streams: each echoes what it reads; {@code onAccept} runs for every stream accepted. */
    static ChannelInitializer<Channel> echoService(Runnable onAccept) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                onAccept.run();
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }, ClosesOnError.INSTANCE);
            }
        };
    }

    /** A client stream that completes {@code received} with the text read once it has {@code length} characters. */
    static ChannelInitializer<Channel> textReader(CompletableFuture<String> received, int length) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        text.append(buf.toString(StandardCharsets.UTF_8));
                        buf.release();
                        if (text.length() >= length) {
                            received.complete(text.toString());
                        }
                    }
                }, ClosesOnError.INSTANCE);
            }
        };
    }
}
