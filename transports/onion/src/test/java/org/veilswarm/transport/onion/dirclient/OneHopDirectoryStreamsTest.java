package org.veilswarm.transport.onion.dirclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.link.LinkHandshakeException;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * The client side of directory caches (issue #4) over real links: one-hop circuits with ntor to a relay and
 * BEGIN_DIR streams on them. Streams to one relay share its circuit; a circuit without streams is destroyed after
 * the idle time and rebuilt at the next request; a descriptor naming another identity than the relay at its
 * address fails in the link handshake; a relay that serves no directory refuses the stream.
 */
@ExtendWith(LeakCheck.class)
class OneHopDirectoryStreamsTest {
    private final OnionTestNetwork net;
    private OneHopDirectoryStreams streams;

    OneHopDirectoryStreamsTest() throws Exception {
        net = new OnionTestNetwork(2);
    }

    @AfterEach
    void close() {
        if (streams != null) {
            streams.close();
        }
        net.close();
    }

    private static RelayDescriptor descriptor(byte[] identity, OnionRelay relay) {
        return new RelayDescriptor(identity, relay.ntorOnionKey(), List.of(relay.address()), 1000, 0, Set.of(),
                "0.1.0", Set.of(), Instant.now());
    }

    /** A directory server stand-in: answers each line with "dir:" and the line. */
    private static ChannelInitializer<Channel> echoDirectory() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf in = (ByteBuf) msg;
                        ctx.writeAndFlush(Unpooled.wrappedBuffer("dir:".getBytes(StandardCharsets.US_ASCII), 
                                io.netty.buffer.ByteBufUtil.getBytes(in)));
                        in.release();
                    }
                });
            }
        };
    }

    /** Opens a stream to {@code relay}, sends {@code text}, returns what came back. */
    private String ask(RelayDescriptor relay, String text) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Channel stream = streams.open(relay, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf in = (ByteBuf) msg;
                        answer.complete(in.toString(StandardCharsets.US_ASCII));
                        in.release();
                    }
                });
            }
        }).toCompletableFuture().get(30, TimeUnit.SECONDS);
        stream.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        String got = answer.get(30, TimeUnit.SECONDS);
        stream.close().sync();
        return got;
    }

    @Test
    void streamsToOneRelayShareAOneHopCircuitThatClosesWhenIdle() throws Exception {
        OnionRelay relay = net.relay(0);
        net.services(relay).directory(echoDirectory());
        streams = new OneHopDirectoryStreams(net.group(), LinkSettings.defaults().withStepTimeout(Duration.ofSeconds(10)),
                // Long enough that a loaded machine's pause between two requests does not count as idle.
                CircuitSettings.defaults(), Duration.ofSeconds(2));
        RelayDescriptor cache = descriptor(relay.identity(), relay);

        assertEquals("dir:one", ask(cache, "one"));
        assertEquals("dir:two", ask(cache, "two"));
        assertEquals(1, streams.circuitsBuilt(), "both streams on one circuit");
        assertEquals(2, streams.streamsOpened());
        OnionTestNetwork.await(() -> relay.circuitCount() == 1, "the relay carries the one-hop circuit");

        OnionTestNetwork.await(() -> streams.circuitsKept() == 0 && relay.circuitCount() == 0,
                "the idle circuit is destroyed (kept " + streams.circuitsKept() + ")");
        assertEquals("dir:three", ask(cache, "three"));
        assertEquals(2, streams.circuitsBuilt(), "a new circuit after the idle one went");
    }

    @Test
    void anotherIdentityAtTheAddressOrARelayWithoutDirectoryFails() throws Exception {
        OnionRelay withoutDirectory = net.relay(1);
        net.services(withoutDirectory); // accepts streams, but no BEGIN_DIR handler
        streams = new OneHopDirectoryStreams(net.group(), LinkSettings.defaults().withStepTimeout(Duration.ofSeconds(10)),
                CircuitSettings.defaults(), OneHopDirectoryStreams.DEFAULT_IDLE);

        RelayDescriptor impostor = descriptor(Ed25519.generateKeyPair().publicKey(), net.relay(0));
        ExecutionException wrong = assertThrows(ExecutionException.class,
                () -> streams.open(impostor, echoDirectory()).toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertTrue(wrong.getCause() instanceof LinkHandshakeException, wrong.getCause().toString());

        ExecutionException refused = assertThrows(ExecutionException.class, () -> streams.open(
                descriptor(withoutDirectory.identity(), withoutDirectory), echoDirectory()).toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof org.veilswarm.transport.onion.stream.StreamRefusedException,
                refused.getCause().toString());
    }

    @Test
    void theComponentRefusesNonsenseAndStopsItsThread() {
        assertThrows(IllegalArgumentException.class, () -> new DirectoryStreamsComponent(config(0, 60)));
        DirectoryStreamsComponent component = new DirectoryStreamsComponent(config(1000, 1));
        component.deactivate();
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive()
                && t.getName().startsWith(DirectoryStreamsComponent.THREAD_PREFIX)), "no thread left behind");
    }

    private static DirectoryStreamsComponent.Config config(int timeoutMillis, int idleSeconds) {
        Map<String, Object> values = Map.of("timeoutMillis", timeoutMillis, "idleSeconds", idleSeconds);
        return (DirectoryStreamsComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                DirectoryStreamsComponent.Config.class.getClassLoader(),
                new Class<?>[] {DirectoryStreamsComponent.Config.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }
}
