package org.veilswarm.transport.onion.service;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
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
import org.veilswarm.transport.onion.stream.ClosesOnError;

/**
 * Relays on 127.0.0.1 that are all HSDirs and introduction/rendezvous points, a directory over them that
 * can drop a killed relay (as the next consensus would), and nodes ({@link OnionServices}) picking from it.
 */
final class ServiceTestNetwork implements AutoCloseable {
    static final Set<RelayFlag> FLAGS = Set.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.GUARD, RelayFlag.FAST,
            RelayFlag.STABLE, RelayFlag.HSDIR);

    final OnionTestNetwork net;
    final List<OnionRelay> relays = new ArrayList<>();
    final List<RelayDescriptor> descriptors = new ArrayList<>();
    /** Relays the directory no longer lists. */
    final Set<RelayDescriptor.Key> gone = ConcurrentHashMap.newKeySet();
    /** Calls to every node's HSDir list (each upload and each fetch asks once). */
    final AtomicInteger hsDirListings = new AtomicInteger();
    /** Each relay's HSDir store, in relay order. */
    final List<HsDirStore> stores = new ArrayList<>();
    private final List<OnionServices> nodes = new ArrayList<>();
    private long seeds;

    /** Relays the HSDir list names (all relays serve HSDir requests, but the ring is built of these). */
    private final int hsDirCount;

    /**
     * @param hsDirCount how many of the relays form the HSDir ring: fewer HSDirs, fewer upload circuits per
     *     descriptor (the store set is up to 8 relays, §2.2.3), and tests stay short
     */
    ServiceTestNetwork(int relayCount, int hsDirCount) throws Exception {
        this.hsDirCount = hsDirCount;
        net = new OnionTestNetwork(0);
        Instant published = Instant.now().minusSeconds(60);
        for (int i = 0; i < relayCount; i++) {
            OnionRelay relay = OnionRelay.start(Ed25519.generateKeyPair(), X25519.generateKeyPair(), net.group(),
                    new InetSocketAddress("127.0.0.1", 0), LinkSettings.defaults(), CircuitSettings.defaults());
            relays.add(relay);
            descriptors.add(new RelayDescriptor(relay.identity(), relay.ntorOnionKey(), List.of(relay.address()),
                    1_000_000, 0, Set.of(), "0.1.0", FLAGS, published));
            HsDirStore store = new HsDirStore(Clock.systemUTC(), HsDirStore.Limits.DEFAULT);
            stores.add(store);
            net.services(relay).directory(new HsDirServerInitializer(store));
            RendezvousRelay.install(relay, RendezvousRelaySettings.defaults());
        }
    }

    /** The relays the directory lists now. */
    List<RelayDescriptor> listed() {
        return descriptors.stream().filter(d -> !gone.contains(d.identityKey())).toList();
    }

    /** A node of this network: its own links, a sampler over the listed relays. */
    OnionServices node(OnionServices.Settings settings) {
        return node(settings, Clock.systemUTC());
    }

    /** A node whose time periods, descriptors and revision counters follow {@code clock}. */
    OnionServices node(OnionServices.Settings settings, Clock clock) {
        CircuitBuilder builder = new CircuitBuilder(CircuitSettings.defaults());
        PathCircuits circuits = new PathCircuits(builder, FirstHopLinks.fresh(new Bootstrap().group(net.group())
                .channel(NioSocketChannel.class), LinkSettings.defaults(), builder));
        FullListRelaySampler all = new FullListRelaySampler(descriptors, new SplittableRandom(++seeds), 256);
        RelaySampler sampler = (RelayRole role, PathConstraints constraints) -> {
            Set<RelayDescriptor.Key> exclude = new HashSet<>(constraints.alsoExclude());
            exclude.addAll(gone);
            return all.pick(role, new PathConstraints(constraints.alreadyChosen(), constraints.excludeFamilies(), exclude));
        };
        HsDirList hsDirs = () -> {
            hsDirListings.incrementAndGet();
            return CompletableFuture.completedFuture(listed().stream()
                    .filter(relay -> descriptors.indexOf(relay) < hsDirCount).toList());
        };
        OnionServices node = new OnionServices(sampler, hsDirs, circuits, null, settings, clock, net.group());
        nodes.add(node);
        return node;
    }

    /** Kills the relay with this identity (its process dies) and drops it from the directory. */
    void kill(byte[] identity) {
        for (OnionRelay relay : relays) {
            if (Arrays.equals(relay.identity(), identity)) {
                gone.add(new RelayDescriptor.Key(identity));
                net.kill(relay);
                return;
            }
        }
        throw new IllegalArgumentException("no relay of this network has that identity");
    }

    @Override
    public void close() {
        nodes.forEach(OnionServices::close);
        relays.forEach(OnionRelay::close); // started here, not by net: net.close() would not stop their threads
        net.close();
    }

    /**
     * Settings of the service tests: {@code introPoints} intro points, 15 s per circuit step and HSDir request,
     * {@code rendezvousTimeout} for the service's answer, one connect retry, descriptors uploaded again every
     * {@code reuploadMin}..{@code reuploadMax} and failed work retried after 0.5 s.
     */
    static OnionServices.Settings settings(int introPoints, Duration rendezvousTimeout, Duration reuploadMin,
            Duration reuploadMax) {
        return new OnionServices.Settings(introPoints, Duration.ofSeconds(15), rendezvousTimeout, Duration.ofSeconds(15),
                1).withSchedule(reuploadMin, reuploadMax, Duration.ofMillis(500));
    }

    static ServiceKey serviceKey(Ed25519KeyPair key) {
        return EngineTestValues.serviceKey(key);
    }

    /** A service that answers every line with "echo: " and the line. */
    static ChannelInitializer<Channel> echo() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }, ClosesOnError.INSTANCE);
            }
        };
    }

    /** A client stream that collects what comes back. */
    static final class Collector extends ChannelInitializer<Channel> {
        private final StringBuffer received = new StringBuffer();
        final CompletableFuture<Void> inactive = new CompletableFuture<>();

        @Override
        protected void initChannel(Channel channel) {
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    try {
                        received.append(buf.toString(StandardCharsets.UTF_8));
                    } finally {
                        buf.release();
                    }
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    inactive.complete(null);
                    ctx.fireChannelInactive();
                }
            }, ClosesOnError.INSTANCE);
        }

        String received() {
            return received.toString();
        }

        /** Sends {@code text} and waits until it has come back (after what came before). */
        void roundTrip(Channel stream, String text) throws Exception {
            String before = received();
            stream.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
            OnionTestNetwork.await(() -> received().equals(before + text), "'" + text + "' echoed on " + stream
                    + " (received so far: '" + received() + "')", Duration.ofSeconds(30));
        }
    }

    /** One {@link Collector} per stream it initializes (for {@link OnionServices#connectAll}). */
    static final class PerStream extends ChannelInitializer<Channel> {
        private final Map<Channel, Collector> collectors = new ConcurrentHashMap<>();

        @Override
        protected void initChannel(Channel channel) {
            Collector collector = new Collector();
            collectors.put(channel, collector);
            channel.pipeline().addLast(collector);
        }

        Collector of(Channel channel) {
            return collectors.get(channel);
        }
    }

    /**
     * A fresh stream from {@code client} ({@link #connectWithin}) echoes {@code text} back
     * ({@link Collector#roundTrip}); the stream is closed after, whatever happened.
     */
    static void roundTripOnNewStream(OnionServices client, org.veilswarm.api.transport.TransportAddress to,
            String text, Duration timeout) throws Exception {
        Collector collector = new Collector();
        Channel stream = connectWithin(client, to, collector, timeout);
        try {
            collector.roundTrip(stream, text);
        } finally {
            stream.close().sync();
        }
    }

    /**
     * Connects until it works or {@code timeout} passes: right after a relay died or a service moved, a
     * client may still pick a stale HSDir copy; each attempt is a fresh fetch and fresh circuits.
     */
    static Channel connectWithin(OnionServices client, org.veilswarm.api.transport.TransportAddress to,
            ChannelInitializer<Channel> initializer, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Throwable> failures = new ArrayList<>();
        while (true) {
            try {
                return client.connect(to, initializer).get(timeout.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failures.add(e.getCause());
                if (System.nanoTime() > deadline) {
                    AssertionError error = new AssertionError("no connection to " + to + " within " + timeout.toSeconds()
                            + " s; " + failures.size() + " attempts failed, the last with " + e.getCause());
                    failures.forEach(error::addSuppressed);
                    throw error;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Failures that say nothing about the service: a relay or circuit on the way, or a slow machine. */
    static final Set<OnionServiceException.Failure> TRANSIENT = Set.of(OnionServiceException.Failure.HSDIR_UNREACHABLE,
            OnionServiceException.Failure.RENDEZVOUS_TIMEOUT, OnionServiceException.Failure.RENDEZVOUS_FAILED,
            OnionServiceException.Failure.NO_CIRCUIT, OnionServiceException.Failure.INTRODUCTION_INTERRUPTED);

    /**
     * Tries {@code attempt} until it fails with something other than a {@link #TRANSIENT} failure, and returns
     * that; fails the test if an attempt succeeds, fails otherwise, or only transient failures come within
     * {@code timeout}. (A withdrawn service's intro point may, for example, hear of the closed intro circuit
     * just after a first INTRODUCE1: that attempt then times out at the rendezvous point instead.)
     */
    static OnionServiceException refusal(java.util.function.Supplier<CompletionStage<?>> attempt, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Throwable failure = failureOf(attempt.get(), timeout);
            if (!(failure instanceof OnionServiceException why)) {
                throw new AssertionError("expected an OnionServiceException, got " + failure, failure);
            }
            if (!TRANSIENT.contains(why.failure())) {
                return why;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only transient failures within " + timeout.toSeconds() + " s, the last: " + why,
                        why);
            }
        }
    }

    /** Waits for {@code stage} and returns its failure, or fails if it succeeded. */
    static Throwable failureOf(CompletionStage<?> stage, Duration timeout) throws Exception {
        try {
            Object value = stage.toCompletableFuture().get(timeout.toSeconds(), TimeUnit.SECONDS);
            if (value instanceof Channel channel) {
                channel.close();
            }
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
