package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.testing.LeakCheck;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.path.DirectorySamplers;
import org.veilswarm.transport.onion.path.PathSelectionException;
import org.veilswarm.transport.onion.stream.ClosesOnError;

/** The transport's directory hooks without a framework: samplers bound by scheme, and BEGIN_DIR serving. */
@ExtendWith(LeakCheck.class)
class OnionTransportDirectoryTest {
    private static final Instant PUBLISHED = Instant.parse("2026-01-01T00:00:00Z");
    private final Ed25519KeyPair nodeKey = Ed25519.generateKeyPair();
    private final ServiceKey serviceKey = EngineTestValues.serviceKey(nodeKey);
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private OnionTransportEngine start(DirectorySamplers directory) {
        OnionTransportEngine engine = new OnionTransportEngine(
                new OnionTransportSettings("127.0.0.1", 0, "", true, 1000, 0, 0, 1), serviceKey, directory);
        closeLater.add(engine);
        return engine;
    }

    private static Throwable failure(OnionTransportEngine engine) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> engine.buildCircuit().toCompletableFuture().get(20, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void circuitsUseTheConfiguredSchemesSamplerNeverThisRelayAndFailWithoutOne() throws Exception {
        OnionTestNetwork net = new OnionTestNetwork(3);
        closeLater.add(net);
        OnionTransportEngine engine = start(new DirectorySamplers("merkle"));
        PathSelectionException none = assertInstanceOf(PathSelectionException.class, failure(engine));
        assertTrue(none.getMessage().contains("no merkle directory bound"), none.getMessage());
        assertTrue(engine.info().summary().contains("no merkle directory bound"), engine.info().summary());

        List<RelayDescriptor> relays = new ArrayList<>();
        net.relays().forEach(r -> relays.add(EngineTestValues.descriptor(r.target(), PUBLISHED)));
        relays.add(EngineTestValues.descriptor(engine.relayTarget().orElseThrow(), PUBLISHED)); // this node's relay is in the directory too
        FullListRelaySampler sampler = new FullListRelaySampler(relays, new SplittableRandom(1), 64);
        engine.directory().add(sampler, "consensus");
        assertTrue(failure(engine).getMessage().contains("no merkle directory bound"), "another scheme is not used");

        engine.directory().add(sampler, "merkle");
        assertTrue(engine.info().summary().contains("directory merkle bound"), engine.info().summary());
        for (int i = 0; i < 3; i++) {
            OriginCircuit circuit = engine.buildCircuit().toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(3, circuit.hops());
            circuit.destroy();
        }
        assertEquals(0, engine.relay().circuitCount(), "never a circuit through this node's own relay");

        engine.directory().remove(sampler);
        assertInstanceOf(PathSelectionException.class, failure(engine), "unbound: new circuits fail again");
    }

    /** Every relay is an HSDir, so BEGIN_DIR is always answered; directory requests need the cache's handler. */
    @Test
    void beginDirAlwaysAnswersAndRoutesDirectoryRequestsOnlyWhileAHandlerIsSet() throws Exception {
        OnionTestNetwork net = new OnionTestNetwork(0);
        closeLater.add(net);
        OnionTransportEngine engine = start(new DirectorySamplers(""));
        OriginCircuit circuit = net.circuit(engine.relay());
        ChannelInitializer<Channel> nothing = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(ClosesOnError.INSTANCE);
            }
        };
        byte[] request = "GET /veilswarm/dir/anything HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Channel unserved = net.streams(circuit).openDirectory(nothing).get(10, TimeUnit.SECONDS);
        unserved.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(request));
        OnionTestNetwork.await(() -> !unserved.isOpen(), "no directory handler: the stream is closed");

        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        engine.serveDirectory(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        reads.incrementAndGet();
                        io.netty.util.ReferenceCountUtil.release(msg);
                    }
                }, ClosesOnError.INSTANCE);
            }
        });
        Channel served = net.streams(circuit).openDirectory(nothing).get(10, TimeUnit.SECONDS);
        served.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(request));
        OnionTestNetwork.await(() -> reads.get() > 0, "the directory handler gets the request");
        served.close();
    }
}
