package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * Hot swap at transport level (issue #4 item 6: "running circuits are unaffected"): a circuit built from the
 * consensus scheme's relays carries a stream that keeps echoing data while the node swaps to the merkle scheme
 * the way Declarative Services does it (the new service bound first, the old one unbound), and circuits built
 * after the swap go through the merkle scheme's relays only.
 */
@ExtendWith(LeakCheck.class)
class SchemeSwapWithRunningStreamTest {
    private static final Instant PUBLISHED = Instant.parse("2026-01-01T00:00:00Z");
    private static final int CHUNK = 4096;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    /** Each relay's BEGIN_DIR service sends every byte back. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a stream cut when the test stops the network
        }
    }

    @Test
    void aStreamKeepsFlowingAcrossASwapAndNewCircuitsUseTheNewScheme() throws Exception {
        OnionTestNetwork net = new OnionTestNetwork(6);
        closeLater.add(net);
        Echo echo = new Echo();
        List<RelayDescriptor> descriptors = new ArrayList<>();
        for (OnionRelay relay : net.relays()) {
            net.services(relay).directory(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(echo);
                }
            });
            descriptors.add(EngineTestValues.descriptor(relay.target(), PUBLISHED));
        }
        TestDirectorySchemes.Scheme consensus = TestDirectorySchemes.scheme("consensus", descriptors.subList(0, 3),
                Optional.empty());
        TestDirectorySchemes.Scheme merkle = TestDirectorySchemes.scheme("merkle", descriptors.subList(3, 6),
                Optional.empty());
        OnionTransportComponent component = new OnionTransportComponent(TestDirectorySchemes.nodeIdentity(),
                TestDirectorySchemes.config(Map.of("publishDescriptor", false, "relay", false, "eventLoopThreads", 1)));
        closeLater.add(component::deactivate);
        component.bindScheme(consensus, Map.of("directory.scheme", "consensus"));

        OriginCircuit before = component.engine().buildCircuit().toCompletableFuture().get(60, TimeUnit.SECONDS);
        awaitCircuits(net, new int[] {1, 1, 1, 0, 0, 0}, "the first circuit runs through the consensus relays");
        AtomicLong echoed = new AtomicLong();
        Channel stream = CircuitStreams.attach(before).openDirectory(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                echoed.addAndGet(((ByteBuf) msg).readableBytes());
                ((ByteBuf) msg).release();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }).get(60, TimeUnit.SECONDS);
        long sent = send(stream, 4);
        awaitEchoed(echoed, sent);

        // The swap, as DS performs it for a greedy dynamic reference.
        component.bindScheme(merkle, Map.of("directory.scheme", "merkle"));
        sent += send(stream, 4);
        component.unbindScheme(consensus, Map.of("directory.scheme", "consensus"));
        sent += send(stream, 16);
        awaitEchoed(echoed, sent);
        assertEquals("merkle", component.engine().directory().currentScheme().orElseThrow());

        OriginCircuit after = component.engine().buildCircuit().toCompletableFuture().get(60, TimeUnit.SECONDS);
        awaitCircuits(net, new int[] {1, 1, 1, 1, 1, 1},
                "the new circuit runs through the merkle relays, the old one still through the consensus relays");
        sent += send(stream, 8);
        awaitEchoed(echoed, sent);
        assertTrue(stream.isActive(), "the stream begun before the swap is still open");
        assertTrue(before.isOpen() && after.isOpen());
        stream.close();
        before.destroy();
        after.destroy();
    }

    private static long send(Channel stream, int chunks) {
        for (int i = 0; i < chunks; i++) {
            byte[] bytes = new byte[CHUNK];
            java.util.Arrays.fill(bytes, (byte) i);
            stream.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }
        return (long) chunks * CHUNK;
    }

    private static void awaitEchoed(AtomicLong echoed, long sent) throws InterruptedException {
        OnionTestNetwork.await(() -> echoed.get() == sent, "all " + sent + " bytes echoed (seen " + echoed.get()
                + " so far)", Duration.ofSeconds(60));
    }

    private static void awaitCircuits(OnionTestNetwork net, int[] expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!counts(net).equals(java.util.Arrays.toString(expected))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": expected circuits per relay " + java.util.Arrays.toString(expected)
                        + ", saw " + counts(net) + " after 60 s");
            }
            Thread.sleep(10);
        }
    }

    private static String counts(OnionTestNetwork net) {
        List<Integer> counts = new ArrayList<>();
        net.relays().forEach(r -> counts.add(r.circuitCount()));
        return counts.toString();
    }
}
