package org.veilswarm.transport.onion.circuit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.veilswarm.transport.onion.stream.CircuitStreams;
import org.veilswarm.transport.onion.stream.LocalServices;
import org.veilswarm.transport.onion.stream.OnionStreamChannel;

/**
 * Relays and a client in this JVM, all on 127.0.0.1, with real TLS links between them: the in-JVM
 * network harness (plain Java, no OSGi). Published in this module's test-jar for later modules' tests
 * (see docs/protocols/onion-streams.md):
 * <pre>
 * try (OnionTestNetwork net = new OnionTestNetwork(3)) {
 *     net.services(net.relay(2)).register(80, serverInitializer);       // a service at the last relay
 *     OriginCircuit circuit = net.circuit(net.relay(0), net.relay(1), net.relay(2));
 *     OnionStreamChannel stream = net.openStream(circuit, 80, clientInitializer);
 * }
 * </pre>
 */
public final class OnionTestNetwork implements AutoCloseable {
    /** A hop's message as the client received it. */
    public record Received(int hop, RelayEnvelope envelope) {
    }

    final EventLoopGroup group = new NioEventLoopGroup(2);
    final LinkSettings linkSettings = LinkSettings.defaults().withStepTimeout(Duration.ofSeconds(3));
    final List<OnionRelay> relays = new ArrayList<>();
    final CircuitBuilder client;
    /** Cells the client's links received (a spy in front of the circuit table). */
    final BlockingQueue<Cell> clientCells = new LinkedBlockingQueue<>();

    private final Map<OnionRelay, LocalServices> services = new ConcurrentHashMap<>();
    private final Map<OriginCircuit, CircuitStreams> streams = new ConcurrentHashMap<>();

    /** {@code relayCount} relays with default settings. */
    public OnionTestNetwork(int relayCount) throws Exception {
        this(relayCount, CircuitSettings.defaults(), CircuitSettings.defaults());
    }

    public OnionTestNetwork(int relayCount, CircuitSettings relaySettings, CircuitSettings clientSettings) throws Exception {
        for (int i = 0; i < relayCount; i++) {
            relays.add(startRelay(relaySettings));
        }
        client = new CircuitBuilder(clientSettings);
    }

    /** Starts one more relay on 127.0.0.1 (any free port). */
    public OnionRelay startRelay(CircuitSettings settings) throws Exception {
        return OnionRelay.start(Ed25519.generateKeyPair(), X25519.generateKeyPair(), group,
                new InetSocketAddress("127.0.0.1", 0), linkSettings, settings);
    }

    public OnionRelay relay(int i) {
        return relays.get(i);
    }

    public List<OnionRelay> relays() {
        return List.copyOf(relays);
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Kills a relay: its listener and every link it has close at once, as if its process died. */
    public void kill(OnionRelay relay) {
        relay.close();
    }

    /** A client link (unauthenticated) to {@code relay}, with a circuit table and a spy. */
    public Link connect(OnionRelay relay) throws Exception {
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

    /** A circuit from the client through {@code path} (a new client link to the first relay). */
    public OriginCircuit circuit(OnionRelay... path) throws Exception {
        return build(new LinkedBlockingQueue<>(), path);
    }

    /** A circuit from the client through {@code path}, with its messages queued in {@code inbox}. */
    public OriginCircuit build(BlockingQueue<Received> inbox, OnionRelay... path) throws Exception {
        Link link = connect(path[0]);
        OriginCircuit circuit = client.create(link, path[0].ntorOnionKey(), path[0].identity()).get(10, TimeUnit.SECONDS);
        circuit.onMessage((hop, envelope) -> inbox.add(new Received(hop, envelope)));
        for (int i = 1; i < path.length; i++) {
            circuit.extend(path[i].target()).get(10, TimeUnit.SECONDS);
        }
        return circuit;
    }

    /**
     * The services reachable by streams ending at {@code relay} (BEGIN by port, BEGIN_DIR); the first
     * call makes the relay accept streams at all.
     */
    public LocalServices services(OnionRelay relay) {
        return services.computeIfAbsent(relay, r -> {
            LocalServices local = new LocalServices();
            CircuitStreams.acceptOn(r, local);
            return local;
        });
    }

    /** The stream layer of the client at the last hop of {@code circuit} (made on first use). */
    public CircuitStreams streams(OriginCircuit circuit) {
        return streams.computeIfAbsent(circuit, CircuitStreams::attach);
    }

    /** Opens a stream to {@code port} at the circuit's last relay and waits for CONNECTED (10 s). */
    public OnionStreamChannel openStream(OriginCircuit circuit, int port, ChannelHandler handler) throws Exception {
        return streams(circuit).open("127.0.0.1", port, handler).get(10, TimeUnit.SECONDS);
    }

    /** Waits up to 10 s for {@code condition}. */
    public static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, what, Duration.ofSeconds(10));
    }

    /** Waits up to {@code timeout} for {@code condition} (data transfers: the build machine may be loaded). */
    public static void await(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        streams.keySet().forEach(OriginCircuit::destroy);
        relays.forEach(OnionRelay::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
