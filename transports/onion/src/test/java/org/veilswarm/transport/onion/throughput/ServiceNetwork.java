package org.veilswarm.transport.onion.throughput;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.directory.core.FullListRelaySampler;
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

/**
 * An in-JVM onion-service network on 127.0.0.1 for throughput tests: {@code relays} relays, each an HSDir
 * (over BEGIN_DIR), introduction and rendezvous point, listed in a static relay list every node samples
 * from (no directory authorities: the onion module's tests do not depend on the authority bundles), and
 * nodes ({@link OnionServices}) that publish and connect over them. All on the fixture's event loops.
 */
final class ServiceNetwork implements AutoCloseable {
    static final OnionServices.Settings SETTINGS = new OnionServices.Settings(2, Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofSeconds(20), 1);

    private final OnionTestNetwork net;
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
                OnionRelay relay = OnionRelay.start(Ed25519.generateKeyPair(), X25519.generateKeyPair(), net.group(),
                        new InetSocketAddress("127.0.0.1", 0), LinkSettings.defaults(), CircuitSettings.defaults());
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
        PathCircuits circuits = new PathCircuits(builder, FirstHopLinks.fresh(new Bootstrap().group(net.group())
                .channel(NioSocketChannel.class), LinkSettings.defaults(), builder));
        HsDirList hsDirs = () -> CompletableFuture.completedFuture(descriptors);
        OnionServices node = new OnionServices(new FullListRelaySampler(descriptors, new SplittableRandom(++seeds), 64),
                hsDirs, circuits, null, SETTINGS, Clock.systemUTC());
        nodes.add(node);
        return node;
    }

    static ServiceKey serviceKey(Ed25519KeyPair key) {
        return new ServiceKey() {
            @Override
            public OnionAddress address() {
                return OnionAddress.fromPublicKey(key.publicKey());
            }

            @Override
            public byte[] expandedSecretKey() {
                return key.expandedSecretKey();
            }
        };
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
        net.close();
    }
}
