package org.veilswarm.transport.onion.throughput;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.directory.core.FullListRelaySampler;
import org.veilswarm.transport.onion.internal.EngineTestValues;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.hs.HsDirServerInitializer;
import org.veilswarm.transport.onion.hs.HsDirStore;
import org.veilswarm.transport.onion.hs.rend.RendezvousRelay;
import org.veilswarm.transport.onion.hs.rend.RendezvousRelaySettings;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.path.FirstHopLinks;
import org.veilswarm.transport.onion.path.PathCircuits;
import org.veilswarm.transport.onion.service.HsDirList;
import org.veilswarm.transport.onion.service.OnionServices;
import org.veilswarm.transport.onion.stream.FlowControl;

/**
 * An in-JVM onion-service network on 127.0.0.1 for throughput tests: {@code relays} relays, each an HSDir
 * (over BEGIN_DIR), introduction and rendezvous point, listed in a static relay list every node samples
 * from (no directory authorities: the onion module's tests do not depend on the authority bundles), and
 * nodes ({@link OnionServices}) that publish and connect over them.
 *
 * <p>Threads: with {@code onion.service.benchLoops=node} (the default) every relay and every node has its own
 * single-thread event loop, as each C tor relay and client of the anchor network is one process with one
 * main thread; a relay's links (towards the client and towards the service) then share its thread, as in
 * C tor. With {@code shared}, everything runs on the fixture's 2 event loop threads (the layout of the
 * session 4 figures): a relay's two links of a circuit may then sit on different threads, and the whole
 * network competes for the CPU as 2 threads against the anchor's 12 processes.
 */
final class ServiceNetwork implements AutoCloseable {
    /**
     * {@code onion.service.benchFlowControl}: {@code cc} (default) for proposal 324's congestion control on the
     * rendezvous circuits, {@code fixed} for tor-spec §7's fixed windows (what every run before session 10 had).
     */
    static final FlowControl FLOW_CONTROL = "fixed".equals(System.getProperty("onion.service.benchFlowControl", "cc"))
            ? FlowControl.FIXED_WINDOWS : FlowControl.CONGESTION_CONTROL;
    static final OnionServices.Settings SETTINGS = new OnionServices.Settings(2, Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofSeconds(20), 1).withFlowControl(FLOW_CONTROL);

    static final boolean LOOP_PER_NODE = !"shared".equals(System.getProperty("onion.service.benchLoops", "node"));

    private final OnionTestNetwork net;
    private final List<EventLoopGroup> loops = new ArrayList<>();
    private final List<OnionRelay> relays = new ArrayList<>();
    private final List<RelayDescriptor> descriptors = new ArrayList<>();
    private final List<OnionServices> nodes = new ArrayList<>();
    private long seeds;

    ServiceNetwork(int relayCount) throws Exception {
        net = new OnionTestNetwork(0);
        try {
            Instant published = Instant.now().minusSeconds(60);
            Set<RelayFlag> flags = Set.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.GUARD, RelayFlag.FAST,
                    RelayFlag.STABLE, RelayFlag.HSDIR);
            for (int i = 0; i < relayCount; i++) {
                OnionRelay relay = OnionRelay.start(Ed25519.generateKeyPair(), X25519.generateKeyPair(),
                        loop("relay-" + i), new InetSocketAddress("127.0.0.1", 0), LinkSettings.defaults(),
                        CircuitSettings.defaults());
                relays.add(relay);
                descriptors.add(new RelayDescriptor(relay.identity(), relay.ntorOnionKey(), List.of(relay.address()),
                        1_000_000, 0, Set.of(), "0.1.0", flags, published));
                net.services(relay).directory(new HsDirServerInitializer(new HsDirStore(Clock.systemUTC(),
                        HsDirStore.Limits.DEFAULT)));
                RendezvousRelay.install(relay, RendezvousRelaySettings.defaults());
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    List<OnionRelay> relays() {
        return relays;
    }

    /** A new node (its own links and path sampling) that can publish services and connect to them. */
    OnionServices node() {
        CircuitBuilder builder = new CircuitBuilder(CircuitSettings.defaults());
        Bootstrap links = new Bootstrap().group(loop("node-" + (nodes.size() + 1))).channel(NioSocketChannel.class);
        PathCircuits circuits = new PathCircuits(builder, FirstHopLinks.fresh(links, LinkSettings.defaults(), builder));
        HsDirList hsDirs = () -> CompletableFuture.completedFuture(descriptors);
        OnionServices node = new OnionServices(new FullListRelaySampler(descriptors, new SplittableRandom(++seeds), 64),
                hsDirs, circuits, null, SETTINGS, Clock.systemUTC());
        nodes.add(node);
        return node;
    }

    /**
     * The event loop group for a new relay or node: its own thread, named {@code bench-<name>} for {@link LoopCpu},
     * or the fixture's shared two.
     */
    private EventLoopGroup loop(String name) {
        if (!LOOP_PER_NODE) {
            return net.group();
        }
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory(LoopCpu.THREAD_PREFIX + name, true));
        loops.add(group);
        return group;
    }

    static ServiceKey serviceKey(Ed25519KeyPair key) {
        return EngineTestValues.serviceKey(key);
    }

    /** Echoes every byte back, flushing once per read burst. */
    static ChannelInitializer<Channel> echo() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new Echo());
            }
        };
    }

    @Override
    public void close() {
        nodes.forEach(OnionServices::close);
        relays.forEach(OnionRelay::close);
        loops.forEach(group -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        net.close();
    }
}
