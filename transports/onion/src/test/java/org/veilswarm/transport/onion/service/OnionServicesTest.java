package org.veilswarm.transport.onion.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veilswarm.transport.onion.stream.FlowControl;
import org.veilswarm.transport.onion.stream.OnionStreamChannel;
import org.junit.jupiter.api.TestInstance;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.ServiceCounts;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
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
 * Onion services end to end over 7 relays on 127.0.0.1, each an HSDir (BEGIN_DIR) and an introduction and
 * rendezvous point, picked from a static full relay list: node A publishes under its key, node B reaches it
 * by {@code <address>.onion:port} over 3 + 3 hops (issue #5 item 4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnionServicesTest {
    private static final int RELAYS = 7;
    private static final int PORT = 6881;
    private static final OnionServices.Settings SETTINGS = new OnionServices.Settings(2, Duration.ofSeconds(15),
            Duration.ofSeconds(20), Duration.ofSeconds(15), 1);

    private OnionTestNetwork net;
    private final List<OnionRelay> relays = new ArrayList<>();
    private final List<RelayDescriptor> descriptors = new ArrayList<>();
    private final Map<OnionRelay, HsDirStore> stores = new HashMap<>();
    private OnionServices nodeA;
    private OnionServices nodeB;

    @BeforeAll
    void startNetwork() throws Exception {
        net = new OnionTestNetwork(0);
        Instant published = Instant.now().minusSeconds(60);
        Set<RelayFlag> flags = Set.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.GUARD, RelayFlag.FAST,
                RelayFlag.STABLE, RelayFlag.HSDIR);
        for (int i = 0; i < RELAYS; i++) {
            OnionRelay relay = OnionRelay.start(Ed25519.generateKeyPair(), X25519.generateKeyPair(), net.group(),
                    new InetSocketAddress("127.0.0.1", 0), LinkSettings.defaults(), CircuitSettings.defaults());
            relays.add(relay);
            descriptors.add(new RelayDescriptor(relay.identity(), relay.ntorOnionKey(), List.of(relay.address()),
                    1_000_000, 0, Set.of(), "0.1.0", flags, published));
            HsDirStore store = new HsDirStore(Clock.systemUTC(), HsDirStore.Limits.DEFAULT);
            stores.put(relay, store);
            net.services(relay).directory(new HsDirServerInitializer(store));
            RendezvousRelay.install(relay, RendezvousRelaySettings.defaults());
        }
        nodeA = node(1);
        nodeB = node(2);
    }

    private OnionServices node(long seed) {
        return node(seed, SETTINGS);
    }

    private OnionServices node(long seed, OnionServices.Settings settings) {
        CircuitBuilder builder = new CircuitBuilder(CircuitSettings.defaults());
        PathCircuits circuits = new PathCircuits(builder, FirstHopLinks.fresh(new Bootstrap().group(net.group())
                .channel(NioSocketChannel.class), LinkSettings.defaults(), builder));
        HsDirList hsDirs = () -> CompletableFuture.completedFuture(descriptors);
        return new OnionServices(new FullListRelaySampler(descriptors, new SplittableRandom(seed), 64), hsDirs, circuits,
                null, settings, Clock.systemUTC(), net.group());
    }

    @AfterAll
    void stop() {
        if (nodeA != null) {
            nodeA.close();
        }
        relays.forEach(OnionRelay::close);
        net.close();
    }

    private static ServiceKey serviceKey(Ed25519KeyPair key) {
        return EngineTestValues.serviceKey(key);
    }

    private static ChannelInitializer<Channel> echo() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.write(msg);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }
                }, ClosesOnError.INSTANCE);
            }
        };
    }

    @Test
    void aServicePublishedByNodeAIsReachedByAddressFromNodeBAndEchoesMebibytes() throws Exception {
        Ed25519KeyPair key = Ed25519.generateKeyPair();
        OnionAddress expected = OnionAddress.fromPublicKey(key.publicKey());
        long started = System.nanoTime();
        Listener listener = nodeA.publish(serviceKey(key), PORT, echo()).get(60, TimeUnit.SECONDS);
        System.out.printf("OnionServicesTest: published in %.1f s%n", (System.nanoTime() - started) / 1e9);
        try {
            assertEquals(TransportAddress.of(expected, PORT), listener.address());
            assertTrue(stores.values().stream().mapToInt(HsDirStore::size).sum() >= 2,
                    "the descriptors of both service periods are stored on the ring");

            int size = 1 << 20; // a smoke test: throughput is measured by the bench profile
            byte[] data = new byte[size];
            new Random(7).nextBytes(data);
            byte[] sentDigest = MessageDigest.getInstance("SHA-256").digest(data);
            EchoClient client = new EchoClient(data);
            started = System.nanoTime();
            Channel stream = nodeB.connect(TransportAddress.parse(expected.hostName() + ":" + PORT),
                    new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline().addLast(client);
                        }
                    }).get(60, TimeUnit.SECONDS);
            System.out.printf("OnionServicesTest: connected in %.1f s%n", (System.nanoTime() - started) / 1e9);
            started = System.nanoTime();
            byte[] echoed = client.done.get(120, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("OnionServicesTest: %d MiB echoed over 3+3 hops in %.1f s (%.2f MiB/s each way)%n",
                    size >> 20, seconds, (size / 1048576.0) / seconds);
            assertArrayEquals(sentDigest, echoed, "SHA-256 of what came back");
            stream.close().sync();
        } finally {
            listener.close();
        }
        assertFalse(listener.isOpen());
        // The descriptor stays at the HSDirs (there is no delete), but its intro points are gone.
        OnionServiceException why = ServiceTestNetwork.refusal(() -> nodeB.connect(TransportAddress.of(expected, PORT),
                echo()), Duration.ofSeconds(90));
        assertEquals(OnionServiceException.Failure.INTRODUCTION_FAILED, why.failure(), why.getMessage());
        assertEquals(TransportException.Reason.REFUSED, why.reason());
    }

    /**
     * Proposal 324 §9: the service's descriptor offers congestion control, a client that wants it asks in
     * INTRODUCE1 and both ends of the rendezvous circuit use it; a client set to fixed windows does not ask, and
     * neither end uses it. Both connections echo 1 MiB intact.
     */
    @Test
    void congestionControlIsNegotiatedPerRendezvousCircuit() throws Exception {
        Ed25519KeyPair key = Ed25519.generateKeyPair();
        OnionAddress address = OnionAddress.fromPublicKey(key.publicKey());
        java.util.concurrent.LinkedBlockingQueue<Channel> accepted = new java.util.concurrent.LinkedBlockingQueue<>();
        ChannelInitializer<Channel> echo = echo();
        Listener listener = nodeA.publish(serviceKey(key), PORT, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                accepted.add(channel);
                channel.pipeline().addLast(echo);
            }
        }).get(60, TimeUnit.SECONDS);
        OnionServices fixedClient = node(3, SETTINGS.withFlowControl(FlowControl.FIXED_WINDOWS));
        try {
            for (OnionServices client : List.of(nodeB, fixedClient)) {
                boolean wanted = client == nodeB;
                byte[] data = new byte[1 << 20];
                new Random(11).nextBytes(data);
                EchoClient echoClient = new EchoClient(data);
                Channel stream = client.connect(TransportAddress.of(address, PORT), new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(echoClient);
                    }
                }).get(60, TimeUnit.SECONDS);
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data),
                        echoClient.done.get(120, TimeUnit.SECONDS), "SHA-256 of what came back");
                FlowControl clientSide = ((OnionStreamChannel) stream).circuitStreams().flowControl();
                FlowControl serviceSide = ((OnionStreamChannel) accepted.poll(10, TimeUnit.SECONDS)).circuitStreams()
                        .flowControl();
                assertEquals(wanted ? FlowControl.CONGESTION_CONTROL : FlowControl.FIXED_WINDOWS, clientSide);
                assertEquals(clientSide, serviceSide, "both ends of the rendezvous circuit agree");
                stream.close().sync();
            }
        } finally {
            fixedClient.close();
            listener.close();
        }
    }

    /**
     * A node's tracker and swarm engine listen under the node's one key: both ports must be reachable at the one
     * address (one service, one descriptor), closing one port leaves the other, and the last one withdraws.
     */
    @Test
    void twoPortsUnderOneKeyShareOneServiceAndEachClosesOnItsOwn() throws Exception {
        Ed25519KeyPair key = Ed25519.generateKeyPair();
        OnionAddress address = OnionAddress.fromPublicKey(key.publicKey());
        Listener tracker = nodeA.publish(serviceKey(key), PORT, echo()).get(60, TimeUnit.SECONDS);
        Listener swarm = nodeA.publish(serviceKey(key), PORT + 1, echo()).get(60, TimeUnit.SECONDS);
        try {
            assertEquals(TransportAddress.of(address, PORT), tracker.address());
            assertEquals(TransportAddress.of(address, PORT + 1), swarm.address());
            assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> nodeA.publish(serviceKey(key), PORT, echo()).get(60, TimeUnit.SECONDS),
                    "a port served already is refused");
            assertEchoes(address, PORT);
            assertEchoes(address, PORT + 1);

            tracker.close();
            assertFalse(tracker.isOpen());
            assertTrue(swarm.isOpen(), "the other port keeps the service");
            OnionServiceException why = ServiceTestNetwork.refusal(() -> nodeB.connect(TransportAddress.of(address, PORT),
                    echo()), Duration.ofSeconds(90));
            assertEquals(OnionServiceException.Failure.STREAM_REFUSED, why.failure(), why.getMessage());
            assertEchoes(address, PORT + 1);
        } finally {
            tracker.close();
            swarm.close();
        }
        OnionServiceException why = ServiceTestNetwork.refusal(() -> nodeB.connect(TransportAddress.of(address, PORT + 1),
                echo()), Duration.ofSeconds(90));
        assertEquals(OnionServiceException.Failure.INTRODUCTION_FAILED, why.failure(), why.getMessage());
    }

    private void assertEchoes(OnionAddress address, int port) throws Exception {
        byte[] data = new byte[64 * 1024];
        new Random(port).nextBytes(data);
        EchoClient client = new EchoClient(data);
        Channel stream = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (stream == null) { // a fresh rendezvous can time out on a loaded machine: try again until the deadline
            try {
                stream = nodeB.connect(TransportAddress.of(address, port), new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(client);
                    }
                }).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof OnionServiceException why) || !ServiceTestNetwork.TRANSIENT.contains(why.failure())
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), client.done.get(120, TimeUnit.SECONDS),
                "port " + port + " echoed everything");
        stream.close().sync();
    }

    @Test
    void anUnpublishedAddressIsDescriptorNotFound() throws Exception {
        OnionAddress nobody = OnionAddress.fromPublicKey(Ed25519.generateKeyPair().publicKey());
        OnionServiceException why = ServiceTestNetwork.refusal(() -> nodeB.connect(TransportAddress.of(nobody, PORT),
                echo()), Duration.ofSeconds(60));
        assertEquals(OnionServiceException.Failure.DESCRIPTOR_NOT_FOUND, why.failure(), why.getMessage());
        assertEquals(TransportException.Reason.NOT_FOUND, why.reason());
    }

    /**
     * {@link OnionServices#counts()}, on two nodes of their own: the service's publish, introduction and open
     * connection, the client's connect and a failed one by its step, and totals that outlive the withdrawn service.
     */
    @Test
    void countsWhatItsServicesAndConnectsDid() throws Exception {
        OnionServices service = node(11);
        OnionServices client = node(12);
        try {
            ServiceCounts none = service.counts();
            assertEquals(new ServiceCounts(0, 0, 0, 0, Map.of(), 0, 0, 0, Map.of()), none);

            Ed25519KeyPair key = Ed25519.generateKeyPair();
            Listener listener = service.publish(serviceKey(key), PORT, echo()).get(60, TimeUnit.SECONDS);
            ServiceCounts published = service.counts();
            assertEquals(1, published.published(), published.toString());
            assertTrue(published.descriptorUploads() >= 1, published.toString());

            Channel stream = client.connect(TransportAddress.of(OnionAddress.fromPublicKey(key.publicKey()), PORT),
                    echo()).get(60, TimeUnit.SECONDS);
            assertEquals(1, client.counts().connectsSucceeded(), client.counts().toString());
            assertEquals(0, client.counts().introductionsAccepted(), "the client's node took no introduction");
            OnionTestNetwork.await(() -> service.counts().connections() == 1, "the service counts the open connection: "
                    + service.counts());
            ServiceCounts serving = service.counts();
            assertEquals(1, serving.introductionsAccepted(), serving.toString());
            assertEquals(Map.of(), serving.introductionsRefused(), serving.toString());
            assertEquals(0, serving.rendezvousFailed(), serving.toString());

            OnionAddress nobody = OnionAddress.fromPublicKey(Ed25519.generateKeyPair().publicKey());
            ServiceTestNetwork.refusal(() -> client.connect(TransportAddress.of(nobody, PORT), echo()),
                    Duration.ofSeconds(60));
            assertEquals(Map.of("descriptor-not-found", 1L), client.counts().connectsFailed(),
                    client.counts().toString());
            assertEquals(1, client.counts().connectsSucceeded());

            stream.close().sync();
            OnionTestNetwork.await(() -> service.counts().connections() == 0, "the connection closes: "
                    + service.counts());
            listener.close();
            ServiceCounts withdrawn = service.counts();
            assertEquals(0, withdrawn.published(), withdrawn.toString());
            assertEquals(published.descriptorUploads(), withdrawn.descriptorUploads(), "totals stay");
            assertEquals(1, withdrawn.introductionsAccepted(), withdrawn.toString());
        } finally {
            service.close();
            client.close();
        }
    }

    /** Sends {@code data} as fast as the stream takes it and hashes what comes back until as many bytes came. */
    private static final class EchoClient extends ChannelInboundHandlerAdapter {
        private static final int CHUNK = 32 * 1024;
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final byte[] data;
        private final MessageDigest received;
        private int sent;
        private long echoed;

        EchoClient(byte[] data) throws Exception {
            this.data = data;
            this.received = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
            ctx.fireChannelActive();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            send(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        private void send(ChannelHandlerContext ctx) {
            while (sent < data.length && ctx.channel().isWritable()) {
                int from = sent;
                int n = Math.min(CHUNK, data.length - from);
                // Advanced before the write: a write can fire channelWritabilityChanged, which re-enters here.
                sent += n;
                ctx.write(Unpooled.copiedBuffer(data, from, n));
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                echoed += buf.readableBytes();
                received.update(buf.nioBuffer());
            } finally {
                buf.release();
            }
            if (echoed >= data.length) {
                done.complete(received.digest());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("stream closed after " + echoed + " bytes echoed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
        }
    }
}
