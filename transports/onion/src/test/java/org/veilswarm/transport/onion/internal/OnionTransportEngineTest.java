package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportInfo;
import org.veilswarm.crypto.Ed25519;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.crypto.X25519;
import org.veilswarm.transport.onion.cell.Drop;
import org.veilswarm.transport.onion.circuit.CircuitBuilder;
import org.veilswarm.transport.onion.circuit.CircuitSettings;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.circuit.RelayTarget;
import org.veilswarm.transport.onion.link.Link;
import org.veilswarm.transport.onion.link.LinkSettings;
import org.veilswarm.transport.onion.link.Links;

/** The transport behind the DS component, on loopback, without a framework. */
class OnionTransportEngineTest {
    private final Ed25519KeyPair nodeKey = Ed25519.generateKeyPair();
    private final ServiceKey serviceKey = EngineTestValues.serviceKey(nodeKey);
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    /**
     * Transport threads alive before this test: threads by identity, because an earlier test class in this JVM
     * may have left some (or have them still on their way out), and those are not this test's to end.
     */
    private final java.util.Set<Thread> threadsBefore = liveTransportThreads();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private static OnionTransportSettings settings(boolean relay, int port) {
        return new OnionTransportSettings("127.0.0.1", port, "", relay, 1000, 0, 0, 1);
    }

    private OnionTransportEngine start(OnionTransportSettings settings) {
        OnionTransportEngine engine = new OnionTransportEngine(settings, serviceKey);
        closeLater.add(engine);
        return engine;
    }

    @Test
    void congestionControlOnRendezvousCircuitsIsOnByDefaultAndTheSettingTurnsItOff() {
        assertEquals(org.veilswarm.transport.onion.stream.FlowControl.CONGESTION_CONTROL,
                start(settings(false, 0)).serviceFlowControl());
        OnionTransportSettings off = new OnionTransportSettings("127.0.0.1", 0, "", false, 1000, 0, 0, 1,
                OnionTransportSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, false);
        assertEquals(org.veilswarm.transport.onion.stream.FlowControl.FIXED_WINDOWS, start(off).serviceFlowControl());
    }

    @Test
    void aRelayingTransportListensOnItsOrPortAndSaysWhatItIs() throws Exception {
        OnionTransportEngine engine = start(settings(true, 0));
        InetSocketAddress orPort = engine.orPort().orElseThrow();
        assertEquals("127.0.0.1", orPort.getAddress().getHostAddress());
        assertTrue(orPort.getPort() > 0);
        try (Socket s = new Socket(orPort.getAddress(), orPort.getPort())) {
            assertTrue(s.isConnected());
        }
        TransportInfo info = engine.info();
        assertEquals("onion", info.scheme());
        assertEquals(Anonymity.MUTUAL, info.anonymity());
        assertTrue(info.relaysForOthers());
        assertEquals(3, info.hops());
        assertTrue(info.summary().contains("onion services need a directory"), info.summary());
    }

    @Test
    void theRelayIdentityIsDerivedFromTheNodeKeyButIsNotTheOnionAddressKey() {
        OnionTransportEngine first = start(settings(true, 0));
        byte[] relayIdentity = first.relayIdentity();
        assertFalse(java.util.Arrays.equals(nodeKey.publicKey(), relayIdentity),
                "the relay identity (public with the IP address) must not be the onion address key");
        first.close();
        OnionTransportEngine second = start(settings(true, 0));
        assertArrayEquals(relayIdentity, second.relayIdentity(), "stable across restarts");
        assertArrayEquals(relayIdentity, second.relay().identity(), "the identity the links prove");
    }

    @Test
    void connectAndListenFailWithAReasonWithoutADirectory() {
        OnionTransportEngine engine = start(settings(true, 0));
        TransportAddress onion = TransportAddress.of(serviceKey.address(), 80);
        assertFalse(engine.canReach(onion));
        assertFalse(engine.canReach(new TransportAddress("127.0.0.1", 80)));
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        };
        TransportException connect = failure(engine.connect(onion, init));
        assertEquals(TransportException.Reason.UNSUPPORTED_ADDRESS, connect.reason());
        assertTrue(connect.getMessage().contains("issue #5"), connect.getMessage());
        TransportException listen = failure(engine.listen(serviceKey, 80, init));
        assertEquals(TransportException.Reason.UNSUPPORTED_ADDRESS, listen.reason());
        assertThrows(IllegalArgumentException.class, () -> engine.listen(serviceKey, 70_000, init));
        assertThrows(NullPointerException.class, () -> engine.connect(null, init));

        engine.close();
        assertEquals(TransportException.Reason.CLOSED, failure(engine.connect(onion, init)).reason());
    }

    @Test
    void aConnectOrListenInProgressFailsWithClosedWhenTheTransportCloses() throws Exception {
        // Every relay the directory lists is a port that accepts TCP and then says nothing: the first hop's link
        // handshake waits, so both are still in progress when the transport closes. Before the fix they never
        // completed (their completions were due on the closed event loops), and the swarm engine, which counts
        // an address as being dialled until its connect completes, never dialled it again through the updated
        // onion bundle's new transport.
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            OnionTransportEngine engine = start(settings(false, 0));
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            List<org.veilswarm.api.directory.RelayDescriptor> relays = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] identity = new byte[32];
                byte[] ntor = new byte[32];
                random.nextBytes(identity);
                random.nextBytes(ntor);
                relays.add(new org.veilswarm.api.directory.RelayDescriptor(identity, ntor,
                        List.of((InetSocketAddress) silent.getLocalSocketAddress()), 1_000_000, 0, java.util.Set.of(),
                        "0.1.0", java.util.Set.of(org.veilswarm.api.directory.RelayFlag.values()),
                        java.time.Instant.now().minusSeconds(60)));
            }
            engine.directory().add(new org.veilswarm.directory.core.FullListRelaySampler(relays,
                    new java.util.SplittableRandom(1), 64), "test");
            ChannelInitializer<Channel> init = new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                }
            };
            TransportAddress elsewhere = TransportAddress.of(
                    OnionAddress.fromPublicKey(Ed25519.generateKeyPair().publicKey()), 80);
            CompletionStage<Channel> connect = engine.connect(elsewhere, init);
            CompletionStage<org.veilswarm.api.transport.Listener> listen = engine.listen(serviceKey, 80, init);
            assertFalse(connect.toCompletableFuture().isDone(), "the connect ended before the close: " + connect);
            assertFalse(listen.toCompletableFuture().isDone(), "the listen ended before the close: " + listen);

            engine.close();
            assertEquals(TransportException.Reason.CLOSED, failure(connect).reason());
            assertEquals(TransportException.Reason.CLOSED, failure(listen).reason());
        }
    }

    @Test
    void theOnionKeySurvivesARestartAndThePreviousPeriodsKeyIsStillAnswered() throws Exception {
        OnionTransportEngine first = start(settings(true, 0));
        byte[] published = first.relayTarget().orElseThrow().ntorOnionKey();
        first.close();
        OnionTransportEngine second = start(settings(true, 0));
        RelayTarget restarted = second.relayTarget().orElseThrow();
        assertArrayEquals(published, restarted.ntorOnionKey(), "a restart (a bundle update) keeps the onion key");

        long period = RelayOnionKeys.period(java.time.Instant.now());
        byte[] former = RelayOnionKeys.derive(serviceKey, period - 1).publicKey();
        assertEquals(1, createWith(restarted, published).hops());
        assertEquals(1, createWith(restarted, former).hops());
        // A key the relay never held (what a client saw before this change after any restart) is refused.
        assertRefused(restarted, X25519.generateKeyPair().publicKey());
    }

    @Test
    void aRunningRelayRotatesIntoTheNextPeriodAndStillAnswersTheKeyItReplaced() throws Exception {
        OnionTransportEngine engine = start(settings(true, 0));
        byte[] replaced = engine.relayTarget().orElseThrow().ntorOnionKey();
        long period = RelayOnionKeys.period(java.time.Instant.now());
        assertFalse(engine.rotateOnionKeyIfDue(java.time.Instant.now()), "not before its period ends");
        java.time.Instant nextPeriod = java.time.Instant.ofEpochSecond((period + 1) * RelayOnionKeys.ROTATION.toSeconds());
        assertTrue(engine.rotateOnionKeyIfDue(nextPeriod));
        assertFalse(engine.rotateOnionKeyIfDue(nextPeriod), "once per period");

        RelayTarget rotated = engine.relayTarget().orElseThrow();
        assertArrayEquals(RelayOnionKeys.derive(serviceKey, period + 1).publicKey(), rotated.ntorOnionKey(),
                "the descriptor publisher now uploads the next period's key");
        assertEquals(1, createWith(rotated, rotated.ntorOnionKey()).hops());
        assertEquals(1, createWith(rotated, replaced).hops(), "clients with the old consensus still get circuits");
        assertRefused(rotated, RelayOnionKeys.derive(serviceKey, period - 1).publicKey());
    }

    /** A one-hop circuit to {@code relay} made with {@code onionKey} as the client's directory would name it. */
    private OriginCircuit createWith(RelayTarget relay, byte[] onionKey) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        closeLater.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        CircuitBuilder client = new CircuitBuilder(CircuitSettings.defaults());
        Link link = Links.connect(new Bootstrap().group(group).channel(NioSocketChannel.class), relay.address(),
                relay.identity(), null, LinkSettings.defaults(), client.clientLinks(null)).get(10, TimeUnit.SECONDS);
        OriginCircuit circuit = client.create(link, onionKey, relay.identity()).get(10, TimeUnit.SECONDS);
        closeLater.add(0, circuit::destroy);
        return circuit;
    }

    private void assertRefused(RelayTarget relay, byte[] onionKey) {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> createWith(relay, onionKey));
        assertTrue(String.valueOf(refused.getCause()).contains("PROTOCOL"), String.valueOf(refused.getCause()));
    }

    @Test
    void relayCountersCountCellsForwardedForOthers() throws Exception {
        OnionTransportEngine engine = start(settings(true, 0));
        EventLoopGroup group = new NioEventLoopGroup(1);
        closeLater.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        OnionRelay exit = OnionRelay.start(Ed25519.generateKeyPair(), X25519.generateKeyPair(), group,
                new InetSocketAddress("127.0.0.1", 0), LinkSettings.defaults(), CircuitSettings.defaults());
        closeLater.add(0, exit);
        RelayTarget middle = engine.relayTarget().orElseThrow();

        CircuitBuilder client = new CircuitBuilder(CircuitSettings.defaults());
        Link link = Links.connect(new Bootstrap().group(group).channel(NioSocketChannel.class), middle.address(),
                middle.identity(), null, LinkSettings.defaults(), client.clientLinks(null)).get(10, TimeUnit.SECONDS);
        OriginCircuit circuit = client.create(link, middle.ntorOnionKey(), middle.identity()).get(10, TimeUnit.SECONDS);
        circuit.extend(exit.target()).get(10, TimeUnit.SECONDS);

        RelayCounters counters = engine.relayCounters();
        long before = counters.current().cellsRelayed();
        for (int i = 0; i < 10; i++) {
            circuit.send(1, 0, Drop.INSTANCE);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counters.current().cellsRelayed() < before + 10 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before + 10, counters.current().cellsRelayed(), "DROPs to hop 2 pass the engine's relay");
        assertEquals(514L * counters.current().cellsRelayed(), counters.current().bytesRelayed());
    }

    @Test
    void aNonRelayingTransportOpensNoPortAndRelaysNothing() {
        OnionTransportEngine engine = start(settings(false, 0));
        assertTrue(engine.orPort().isEmpty());
        assertFalse(engine.info().relaysForOthers());
        assertEquals(RelayCounters.NONE, engine.relayCounters());
    }

    @Test
    void aTakenOrPortFailsActivationWithTheAddressAndLeavesNoThreads() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> start(settings(true, taken.getLocalPort())));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        awaitNoThreads();
    }

    @Test
    void closeReleasesThePortAndEndsEveryThread() throws Exception {
        OnionTransportEngine engine = start(settings(true, 0));
        int port = engine.orPort().orElseThrow().getPort();
        engine.close();
        try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, again.getLocalPort());
        }
        awaitNoThreads();
    }

    @Test
    void settingsRejectBadValuesNamingTheAttribute() {
        assertMessage("bindAddress", () -> new OnionTransportSettings("localhost", 0, "", true, 1, 0, 0, 1));
        assertMessage("orPort", () -> new OnionTransportSettings("127.0.0.1", 65_536, "", true, 1, 0, 0, 1));
        assertMessage("advertisedAddress", () -> new OnionTransportSettings("127.0.0.1", 0, "relay.example", true, 1,
                0, 0, 1));
        assertMessage("maxCircuits", () -> new OnionTransportSettings("127.0.0.1", 0, "", true, 0, 0, 0, 1));
        assertMessage("bandwidthBurst", () -> new OnionTransportSettings("127.0.0.1", 0, "", true, 1, 1000, 10, 1));
        assertMessage("eventLoopThreads", () -> new OnionTransportSettings("127.0.0.1", 0, "", true, 1, 0, 0, 0));
        assertMessage("maxConnectionsPerAddress", () -> new OnionTransportSettings("127.0.0.1", 0, "", true, 1, 0, 0, 1,
                0));
        OnionTransportSettings limited = new OnionTransportSettings("::1", 0, "192.0.2.7", true, 10, 1000, 0, 1);
        assertEquals(1000, limited.circuitSettings().bandwidthBurst(), "burst 0 means the rate");
        assertEquals(10, limited.circuitSettings().maxRelayCircuits());
        assertEquals(50, limited.circuitSettings().maxConnectionsPerAddress(), "tor's default cap");
        assertEquals("192.0.2.7", limited.advertised(9001).getAddress().getHostAddress());
    }

    private static void assertMessage(String attribute, org.junit.jupiter.api.function.Executable invalid) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, invalid);
        assertTrue(e.getMessage().contains(attribute), e.getMessage());
    }

    private static TransportException failure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(5, TimeUnit.SECONDS));
        return assertInstanceOf(TransportException.class, e.getCause());
    }

    private void awaitNoThreads() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!transportThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), transportThreads());
    }

    /** This test's engines are closed, so no transport thread started since it began may outlive them. */
    private List<String> transportThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : liveTransportThreads()) {
            if (!threadsBefore.contains(t)) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static java.util.Set<Thread> liveTransportThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(OnionTransportEngine.THREAD_PREFIX)) {
                threads.add(t);
            }
        }
        return threads;
    }
}
