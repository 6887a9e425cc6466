package org.veilswarm.transport.onion.circuit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.X25519;
import org.veilswarm.transport.onion.cell.Cell;
import org.veilswarm.transport.onion.cell.RelayEnvelope;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;

/** Relays and a client in this JVM, all on 127.0.0.1, with real TLS links between them. */
final class OnionTestNetwork implements AutoCloseable {
    /** A hop's message as the client received it. */
    record Received(int hop, RelayEnvelope envelope) {
    }

    final EventLoopGroup group = new NioEventLoopGroup(2);
    final LinkSettings linkSettings = LinkSettings.defaults().withStepTimeout(Duration.ofSeconds(3));
    final List<OnionRelay> relays = new ArrayList<>();
    final CircuitBuilder client;
    /** Cells the client's links received (a spy in front of the circuit table). */
    final BlockingQueue<Cell> clientCells = new LinkedBlockingQueue<>();

    OnionTestNetwork(int relayCount, CircuitSettings relaySettings, CircuitSettings clientSettings) throws Exception {
        for (int i = 0; i < relayCount; i++) {
            relays.add(startRelay(relaySettings));
        }
        client = new CircuitBuilder(clientSettings);
    }

    OnionRelay startRelay(CircuitSettings settings) throws Exception {
        return OnionRelay.start(Ed25519.generateKeyPair(), X25519.generateKeyPair(), group,
                new InetSocketAddress("127.0.0.1", 0), linkSettings, settings);
    }

    OnionRelay relay(int i) {
        return relays.get(i);
    }

    /** A client link (unauthenticated) to {@code relay}, with a circuit table and a spy. */
    Link connect(OnionRelay relay) throws Exception {
        Future<Link> link = Links.connect(new Bootstrap().group(group).channel(NioSocketChannel.class),
                relay.address(), relay.identity(), null, linkSettings, client.clientLinks(established ->
                        established.channel().pipeline().addBefore(CircuitTable.NAME, "spy", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Cell cell && !(msg instanceof io.netty.util.ReferenceCounted)) {
                                    clientCells.add(cell);
                                }
                                ctx.fireChannelRead(msg);
                            }
                        })));
        return link.get(10, TimeUnit.SECONDS);
    }

    /** A circuit from the client through {@code path}, with its messages queued in {@code inbox}. */
    OriginCircuit build(BlockingQueue<Received> inbox, OnionRelay... path) throws Exception {
        Link link = connect(path[0]);
        OriginCircuit circuit = client.create(link, path[0].ntorOnionKey(), path[0].identity()).get(10, TimeUnit.SECONDS);
        circuit.onMessage((hop, envelope) -> inbox.add(new Received(hop, envelope)));
        for (int i = 1; i < path.length; i++) {
            circuit.extend(path[i].target()).get(10, TimeUnit.SECONDS);
        }
        return circuit;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        relays.forEach(OnionRelay::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
