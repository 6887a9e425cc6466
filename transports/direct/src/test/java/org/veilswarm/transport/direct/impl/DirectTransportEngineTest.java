package org.veilswarm.transport.direct.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.Anonymity;
import org.veilswarm.api.transport.Listener;
import org.veilswarm.api.transport.RelayCounters;
import org.veilswarm.api.transport.ServiceKey;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.api.transport.TransportException;
import org.veilswarm.api.transport.TransportException.Reason;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;

/** The direct transport over real TCP on 127.0.0.1: no traffic leaves the loopback interface. */
@ExtendWith(NettyLeakCheck.class)
class DirectTransportEngineTest {
    private static final long WAIT_SECONDS = 60;
    private static final ServiceKey KEY = new TestServiceKey();

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void infoSaysPlainlyThatItIsNotAnonymous() {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());

        assertEquals("direct", engine.info().scheme());
        assertEquals(Anonymity.NONE, engine.info().anonymity());
        assertFalse(engine.info().anonymous());
        assertFalse(engine.info().relaysForOthers());
        assertEquals(0, engine.info().hops());
        assertTrue(engine.info().describe().startsWith("NOT ANONYMOUS"), engine.info().describe());
        assertTrue(engine.info().summary().contains("plain TCP"), engine.info().summary());
        assertSame(RelayCounters.NONE, engine.relayCounters());
    }

    @Test
    void reachesIpAddressesAndHostNamesButNotOnionAddresses() {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());

        assertTrue(engine.canReach(new TransportAddress("192.0.2.1", 6881)));
        assertTrue(engine.canReach(new TransportAddress("::1", 6881)));
        assertTrue(engine.canReach(new TransportAddress("nas.lan", 6881)));
        assertFalse(engine.canReach(onionAddress(80)));
    }

    @Test
    void echoesOverListenAndConnectWithNagleOff() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Listener listener = listen(engine, 0, ch -> {
            accepted.complete(ch);
            ch.pipeline().addLast(new EchoHandler());
        });

        assertEquals("127.0.0.1", listener.address().host());
        assertNotEquals(0, listener.address().port());
        assertTrue(listener.isOpen());

        byte[] message = "hello over plain TCP".getBytes(StandardCharsets.US_ASCII);
        Collector reply = new Collector(message.length);
        Channel client = await(engine.connect(listener.address(), init(ch -> ch.pipeline().addLast(reply))));
        client.writeAndFlush(Unpooled.wrappedBuffer(message));

        assertArrayEquals(message, await(reply.done()));
        assertTrue(client.config().getOption(ChannelOption.TCP_NODELAY), "client TCP_NODELAY");
        assertTrue(await(accepted).config().getOption(ChannelOption.TCP_NODELAY), "server side TCP_NODELAY");
        assertEquals(2, engine.openStreams());
        assertEquals(1, engine.openInboundStreams());
    }

    @Test
    void movesSixtyFourMebibytesBothWaysAtOnceThroughOneStream() throws Exception {
        long size = 64L * 1024 * 1024;
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        BulkSender serverSender = new BulkSender(size, 1);
        DigestingReceiver serverReceiver = new DigestingReceiver(size);
        Listener listener = listen(engine, 0, ch -> ch.pipeline().addLast(serverReceiver, serverSender));
        BulkSender clientSender = new BulkSender(size, 2);
        DigestingReceiver clientReceiver = new DigestingReceiver(size);

        long start = System.nanoTime();
        Channel client = await(engine.connect(listener.address(),
                init(ch -> ch.pipeline().addLast(clientReceiver, clientSender))));

        assertArrayEquals(await(clientSender.sentDigest()), await(serverReceiver.receivedDigest()),
                "client to server");
        assertArrayEquals(await(serverSender.sentDigest()), await(clientReceiver.receivedDigest()),
                "server to client");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("direct: 64 MiB each way at once in %.2f s (%.0f MiB/s per direction, leak detection"
                + " paranoid)%n", seconds, 64 / seconds);

        long bound = client.config().getWriteBufferHighWaterMark() + BulkSender.CHUNK;
        assertTrue(clientSender.maxQueued() <= bound, "client queued " + clientSender.maxQueued());
        assertTrue(serverSender.maxQueued() <= bound, "server queued " + serverSender.maxQueued());
    }

    @Test
    void carriesTwoHundredConcurrentStreams() throws Exception {
        int streams = 200;
        int size = 16 * 1024;
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        Listener listener = listen(engine, 0, ch -> ch.pipeline().addLast(new EchoHandler()));

        SecureRandom random = new SecureRandom();
        List<byte[]> sent = new ArrayList<>();
        List<Collector> replies = new ArrayList<>();
        List<CompletableFuture<Channel>> connects = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            Collector reply = new Collector(size);
            sent.add(data);
            replies.add(reply);
            connects.add(engine.connect(listener.address(), init(ch -> ch.pipeline().addLast(reply))));
        }
        List<Channel> clients = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            Channel ch = await(connects.get(i));
            clients.add(ch);
            ch.writeAndFlush(Unpooled.wrappedBuffer(sent.get(i)));
        }
        for (int i = 0; i < streams; i++) {
            assertArrayEquals(sent.get(i), await(replies.get(i).done()), "stream " + i);
        }
        assertEquals(2 * streams, engine.openStreams());

        clients.forEach(Channel::close);
        awaitTrue(() -> engine.openStreams() == 0, "every stream, both ends, left the engine's books");
        assertEquals(0, engine.openInboundStreams());
    }

    @Test
    void namesTheAddressWhenThePortIsInUse() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            TransportException e = failure(engine.listen(KEY, taken.getLocalPort(), init(ch -> { })));

            assertEquals(Reason.LOCAL_UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void aSecondListenerOnTheSamePortFailsInsteadOfSharingIt() throws Exception {
        DirectTransportEngine first = engine(DirectTransportSettings.defaults());
        DirectTransportEngine second = engine(DirectTransportSettings.defaults());
        Listener listening = listen(first, 0, ch -> { });

        // With epoll every listener is a group of SO_REUSEPORT sockets, which Linux would let a second group of
        // the same user join: both the same engine and another one must be refused as with a plain socket.
        for (DirectTransportEngine engine : List.of(first, second)) {
            TransportException e = failure(engine.listen(KEY, listening.address().port(), init(ch -> { })));
            assertEquals(Reason.LOCAL_UNAVAILABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
        try (Socket s = new Socket("127.0.0.1", listening.address().port())) {
            assertTrue(s.isConnected());
        }
    }

    @Test
    void mapsAClosedPortToRefused() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        int port = freePort();

        TransportException e = failure(engine.connect(new TransportAddress("127.0.0.1", port), init(ch -> { })));

        assertEquals(Reason.REFUSED, e.reason());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void mapsNoAnswerToTimeout() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.builder().connectTimeoutMillis(300).build());
        try (FullAcceptQueue silent = new FullAcceptQueue()) {
            assumeTrue(silent.isFull(), "this kernel answers SYNs to a full accept queue: cannot test a timeout on loopback");

            TransportException e = failure(engine.connect(new TransportAddress("127.0.0.1", silent.port()),
                    init(ch -> { })));

            assertEquals(Reason.TIMEOUT, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + silent.port()), e.getMessage());
        }
    }

    @Test
    void refusesOnionAddressesWithoutTouchingTheNetwork() {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());

        CompletableFuture<Channel> connect = engine.connect(onionAddress(80), init(ch -> { }));

        assertTrue(connect.isCompletedExceptionally(), "failed at once");
        TransportException e = failure(connect);
        assertEquals(Reason.UNSUPPORTED_ADDRESS, e.reason());
        assertTrue(e.getMessage().contains("onion"), e.getMessage());
        assertEquals(0, engine.openStreams());
    }

    @Test
    void resolvesHostNamesFromTheHostsFile() throws Exception {
        // "localhost" comes from /etc/hosts: no DNS query leaves the machine.
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        Listener listener = listen(engine, 0, ch -> ch.pipeline().addLast(new EchoHandler()));
        byte[] message = {1, 2, 3};
        Collector reply = new Collector(message.length);

        Channel ch = await(engine.connect(new TransportAddress("localhost", listener.address().port()),
                init(c -> c.pipeline().addLast(reply))));
        ch.writeAndFlush(Unpooled.wrappedBuffer(message));

        assertArrayEquals(message, await(reply.done()));
    }

    @Test
    void closingAListenerLeavesItsAcceptedStreamsOpen() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Listener listener = listen(engine, 0, ch -> {
            ch.pipeline().addLast(new EchoHandler());
            accepted.complete(ch);
        });
        Collector reply = new Collector(1);
        Channel client = await(engine.connect(listener.address(), init(ch -> ch.pipeline().addLast(reply))));
        // The client's connect completes when the kernel queues the connection; closing the server socket
        // before it is accepted resets it. Only accepted streams are promised to survive.
        await(accepted);

        listener.close();

        assertFalse(listener.isOpen());
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42}));
        assertArrayEquals(new byte[] {42}, await(reply.done()), "the accepted stream still echoes");
        TransportException e = failure(engine.connect(listener.address(), init(ch -> { })));
        assertEquals(Reason.REFUSED, e.reason(), "no new streams: " + e.getMessage());
    }

    @Test
    void closesInboundConnectionsBeyondMaxConnections() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.builder().maxConnections(2).build());
        Listener listener = listen(engine, 0, ch -> ch.pipeline().addLast(new EchoHandler()));
        int port = listener.address().port();

        try (Socket b = socket(port)) {
            try (Socket a = socket(port)) {
                assertEchoes(a);
                assertEchoes(b);
                try (Socket c = socket(port)) {
                    assertEquals(-1, readOrEof(c), "the third connection is closed at once");
                }
                assertEquals(1, engine.refusedOverLimit());
                assertEchoes(a);
                assertEchoes(b);
            }
            awaitTrue(() -> engine.openInboundStreams() == 1, "a slot frees when a stream closes");
            try (Socket d = socket(port)) {
                assertEchoes(d);
            }
        }
        assertEquals(1, engine.refusedOverLimit());
    }

    @Test
    void closesConnectionsFromSourcesNotAllowed() throws Exception {
        DirectTransportEngine strict = engine(DirectTransportSettings.builder()
                .allowedSources(List.of("10.0.0.0/8", "192.168.0.0/16")).build());
        DirectTransportEngine loopbackOnly = engine(DirectTransportSettings.builder()
                .allowedSources(List.of("127.0.0.0/8")).build());
        Listener refusing = listen(strict, 0, ch -> ch.pipeline().addLast(new EchoHandler()));
        Listener accepting = listen(loopbackOnly, 0, ch -> ch.pipeline().addLast(new EchoHandler()));

        try (Socket s = socket(refusing.address().port())) {
            assertEquals(-1, readOrEof(s));
        }
        assertEquals(1, strict.refusedBySource());
        assertEquals(0, strict.openInboundStreams());
        try (Socket s = socket(accepting.address().port())) {
            assertEchoes(s);
        }
        assertEquals(0, loopbackOnly.refusedBySource());
    }

    @Test
    void closeFreesThePortsClosesTheStreamsAndStopsTheThreads() throws Exception {
        // Threads by identity, not by count: an engine closed by an earlier test may have threads that are
        // still on their way out, and their going would make any count taken now wrong later.
        Set<Thread> threadsBefore = engineThreads();
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());
        Listener listener = listen(engine, 0, ch -> ch.pipeline().addLast(new EchoHandler()));
        int port = listener.address().port();
        Channel client = await(engine.connect(listener.address(), init(ch -> { })));
        assertFalse(newThreads(threadsBefore).isEmpty(), "the engine runs threads while in use");

        engine.close();

        assertFalse(listener.isOpen());
        assertFalse(client.isOpen(), "outbound stream closed");
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true); // ignore TIME_WAIT; a listening socket would still make bind fail
            again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
        awaitTrue(() -> newThreads(threadsBefore).isEmpty(), "engine threads stopped: " + newThreads(threadsBefore));
        assertEquals(Reason.CLOSED, failure(engine.connect(listener.address(), init(ch -> { }))).reason());
        assertEquals(Reason.CLOSED, failure(engine.listen(KEY, 0, init(ch -> { }))).reason());
        engine.close(); // idempotent
    }

    @Test
    void closeFailsConnectsInFlightWithClosed() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.builder().connectTimeoutMillis(60_000).build());
        try (FullAcceptQueue silent = new FullAcceptQueue()) {
            assumeTrue(silent.isFull(), "this kernel answers SYNs to a full accept queue: no connect hangs here");
            CompletableFuture<Channel> hanging = engine.connect(new TransportAddress("127.0.0.1", silent.port()),
                    init(ch -> { }));
            assertFalse(hanging.isDone());

            engine.close();

            assertEquals(Reason.CLOSED, failure(hanging).reason());
        }
    }

    @Test
    void cancellingAConnectClosesItsChannel() throws Exception {
        DirectTransportEngine engine = engine(DirectTransportSettings.builder().connectTimeoutMillis(60_000).build());
        try (FullAcceptQueue silent = new FullAcceptQueue()) {
            assumeTrue(silent.isFull(), "this kernel answers SYNs to a full accept queue: no connect hangs here");
            CompletableFuture<Channel> attempt = new CompletableFuture<>();
            CompletableFuture<Channel> hanging = engine.connect(new TransportAddress("127.0.0.1", silent.port()),
                    init(attempt::complete));

            hanging.cancel(false);

            Channel ch = await(attempt);
            await(ch.closeFuture());
            assertFalse(ch.isOpen());
            awaitTrue(() -> engine.openStreams() == 0, "the cancelled channel left the books");
        }
    }

    @Test
    void rejectsPortsOutsideTheTcpRange() {
        DirectTransportEngine engine = engine(DirectTransportSettings.defaults());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.listen(KEY, 65536, init(ch -> { })));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
    }

    // ---- helpers

    /** The settings every engine of this class runs with; a subclass runs the same tests on other I/O. */
    DirectTransportSettings adjust(DirectTransportSettings s) {
        // Native epoll where it loads (NIO is the default; DirectTransportEngineNioTest runs these on NIO).
        return new DirectTransportSettings(s.bindAddress(), s.advertisedHost(), s.workerThreads(),
                s.connectTimeoutMillis(), s.maxConnections(), s.acceptBacklog(), s.tcpKeepAlive(), s.allowedSources(),
                true, s.listenerPerLoop());
    }

    private DirectTransportEngine engine(DirectTransportSettings settings) {
        DirectTransportEngine engine = new DirectTransportEngine(adjust(settings));
        toClose.add(engine);
        return engine;
    }

    private Listener listen(DirectTransportEngine engine, int port, Consumer<Channel> childSetup) throws Exception {
        Listener listener = await(engine.listen(KEY, port, init(childSetup)));
        toClose.add(listener);
        return listener;
    }

    static ChannelInitializer<Channel> init(Consumer<Channel> setup) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                setup.accept(ch);
            }
        };
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static <T> T await(io.netty.util.concurrent.Future<T> future) throws Exception {
        assertTrue(future.await(WAIT_SECONDS, TimeUnit.SECONDS), "Netty future did not complete");
        return future.getNow();
    }

    static TransportException failure(CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
        return assertInstanceOf(TransportException.class, e.getCause());
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static Set<Thread> engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(DirectTransportEngine.THREAD_NAME_PREFIX))
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    /** Engine threads alive now that were not in {@code before}. */
    private static Set<Thread> newThreads(Set<Thread> before) {
        Set<Thread> now = engineThreads();
        now.removeAll(before);
        return now;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static Socket socket(int port) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port);
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return s;
    }

    private static void assertEchoes(Socket s) throws IOException {
        byte[] probe = {7, 8, 9};
        OutputStream out = s.getOutputStream();
        out.write(probe);
        out.flush();
        byte[] back = s.getInputStream().readNBytes(probe.length);
        assertArrayEquals(probe, back);
    }

    /** The first byte read, or -1 at end of stream; a reset counts as end of stream too. */
    private static int readOrEof(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static TransportAddress onionAddress(int port) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        return TransportAddress.of(OnionAddress.fromPublicKey(key), port);
    }

    /** Gathers {@code expected} bytes and releases every buffer it reads. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        private final byte[] data;
        private final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private int filled;

        Collector(int expected) {
            this.data = new byte[expected];
        }

        CompletableFuture<byte[]> done() {
            return done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int n = buf.readableBytes();
                if (filled + n > data.length) {
                    done.completeExceptionally(new AssertionError("more than " + data.length + " bytes"));
                    return;
                }
                buf.readBytes(data, filled, n);
                filled += n;
                if (filled == data.length) {
                    done.complete(data);
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new AssertionError("closed after " + filled + " of " + data.length + " bytes"));
            ctx.fireChannelInactive();
        }
    }

    /** A service key for the API's sake: the direct transport never reads it. */
    private static final class TestServiceKey implements ServiceKey {
        @Override
        public OnionAddress address() {
            return OnionAddress.fromPublicKey(new byte[32]);
        }

        @Override
        public byte[] expandedSecretKey() {
            throw new AssertionError("the direct transport must not read the secret key");
        }
    }
}
