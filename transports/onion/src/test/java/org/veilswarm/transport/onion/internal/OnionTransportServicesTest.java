package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.FullListRelaySampler;

/**
 * The transport SPI end to end over 7 relaying engines on 127.0.0.1 (each its own HSDir over BEGIN_DIR and
 * introduction / rendezvous point, as {@link OnionTransportEngine} sets its relay up): engine 0 listens as a
 * service, engine 1 connects to {@code <address>.onion:port}; without a directory neither can.
 */
class OnionTransportServicesTest {
    private static final int ENGINES = 7;
    private final List<OnionTransportEngine> engines = new ArrayList<>();

    @AfterEach
    void closeAll() {
        engines.forEach(OnionTransportEngine::close);
    }

    @Test
    void aServiceListenedOnOneEngineIsReachedByAddressFromAnother() throws Exception {
        for (int i = 0; i < ENGINES; i++) {
            engines.add(new OnionTransportEngine(new OnionTransportSettings("127.0.0.1", 0, "", true, 1000, 0, 0, 1),
                    EngineTestValues.serviceKey(Ed25519.generateKeyPair())));
        }
        Ed25519KeyPair key = Ed25519.generateKeyPair();
        TransportAddress address = TransportAddress.of(OnionAddress.fromPublicKey(key.publicKey()), 7000);
        OnionTransportEngine service = engines.get(0);
        OnionTransportEngine client = engines.get(1);
        assertFalse(client.canReach(address), "no directory bound yet");

        List<RelayDescriptor> relays = engines.stream()
                .map(e -> EngineTestValues.descriptor(e.relayTarget().orElseThrow())).toList();
        for (int i = 0; i < ENGINES; i++) {
            engines.get(i).directory().add(new FullListRelaySampler(relays, new SplittableRandom(i), 64), "test");
        }
        assertTrue(client.canReach(address));
        assertFalse(client.canReach(new TransportAddress("127.0.0.1", 7000)), "onion addresses only");

        Listener listener = service.listen(EngineTestValues.serviceKey(key), 7000, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                });
            }
        }).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(address, listener.address());

        String hello = "six hops and back";
        CompletableFuture<String> echoed = new CompletableFuture<>();
        Channel stream = client.connect(address, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        text.append(buf.toString(StandardCharsets.UTF_8));
                        buf.release();
                        if (text.length() >= hello.length()) {
                            echoed.complete(text.toString());
                        }
                    }
                });
            }
        }).toCompletableFuture().get(60, TimeUnit.SECONDS);
        stream.writeAndFlush(Unpooled.copiedBuffer(hello, StandardCharsets.UTF_8));
        assertEquals(hello, echoed.get(30, TimeUnit.SECONDS));
        stream.close().sync();
        listener.close();
        assertFalse(listener.isOpen());
    }
}
