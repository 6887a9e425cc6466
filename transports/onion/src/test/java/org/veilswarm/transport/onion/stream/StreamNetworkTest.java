package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.cell.Begin;
import org.veilswarm.transport.onion.cell.Connected;
import org.veilswarm.transport.onion.cell.Data;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.End;
import org.veilswarm.transport.onion.cell.EndReason;
import org.veilswarm.transport.onion.cell.Sendme;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.circuit.OnionTestNetwork;
import org.veilswarm.transport.onion.circuit.OriginCircuit;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * Streams through relays on 127.0.0.1 over real TLS links, ending at services registered on the last
 * relay: data integrity with odd write patterns, refusals, half-close, END reasons, a relay killed
 * mid-stream, SENDME authentication, and writability following the package window.
 */
@ExtendWith(LeakCheck.class)
class StreamNetworkTest {
    private static final int PORT = 80;
    /** Generous: paranoid leak tracking slows transfers tenfold and the build machine is shared. */
    private static final java.time.Duration TRANSFER = java.time.Duration.ofSeconds(60);

    private OnionTestNetwork net;
    private final BlockingQueue<OnionTestNetwork.Received> inbox = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (net != null) {
            net.close();
        }
    }

    /** Collects what a stream receives; completes when the stream closes. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> closed = new CompletableFuture<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicInteger inputShutdowns = new AtomicInteger();
        final AtomicInteger writabilityChanges = new AtomicInteger();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buffer = (ByteBuf) msg;
            synchronized (bytes) {
                byte[] chunk = new byte[buffer.readableBytes()];
                buffer.readBytes(chunk);
                bytes.writeBytes(chunk);
            }
            buffer.release();
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                inputShutdowns.incrementAndGet();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writabilityChanges.incrementAndGet();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error.compareAndSet(null, cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (bytes) {
                closed.complete(bytes.toByteArray());
            }
        }
    }

    private OriginCircuit threeHops() throws Exception {
        return net.circuit(net.relay(0), net.relay(1), net.relay(2));
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    @Test
    void byteAtATimeAndMixedSizeWritesArriveIntactThroughThreeHops() throws Exception {
        net = new OnionTestNetwork(3);
        net.services(net.relay(2)).register(PORT, Echo.INSTANCE);
        Collector collector = new Collector();
        OnionStreamChannel stream = net.openStream(threeHops(), PORT, collector);

        byte[] data = random(100_000, 7);
        int at = 0;
        // 3000 one-byte writes, flushed in groups of 7 (small writes share cells), then sizes around the
        // 498-byte cell boundary and larger.
        for (; at < 3000; at++) {
            stream.write(Unpooled.wrappedBuffer(data, at, 1));
            if (at % 7 == 0) {
                stream.flush();
            }
        }
        int[] sizes = {1, 497, 498, 499, 996, 5000, 65536, 2, 3};
        for (int i = 0; at < data.length; i++) {
            int length = Math.min(sizes[i % sizes.length], data.length - at);
            stream.write(Unpooled.wrappedBuffer(data, at, length));
            at += length;
        }
        stream.flush();
        OnionTestNetwork.await(() -> collector.size() == data.length, "the echo of " + data.length + " bytes", TRANSFER);
        stream.close().sync();
        assertArrayEquals(data, collector.closed.get(10, TimeUnit.SECONDS));
        assertEquals(null, collector.error.get());
    }

    @Test
    void aPortWithoutServiceIsRefusedWithExitPolicyAndBeginDirWithNotDirectory() throws Exception {
        net = new OnionTestNetwork(3);
        net.services(net.relay(2)).register(PORT, Echo.INSTANCE);
        OriginCircuit circuit = threeHops();
        CircuitStreams streams = net.streams(circuit);

        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> streams.open("127.0.0.1", 81, new Collector()).get(10, TimeUnit.SECONDS));
        StreamRefusedException exitPolicy = assertInstanceOf(StreamRefusedException.class, refused.getCause());
        assertEquals(EndReason.EXITPOLICY, exitPolicy.endReason().orElseThrow());

        ExecutionException noDirectory = assertThrows(ExecutionException.class,
                () -> streams.openDirectory(new Collector()).get(10, TimeUnit.SECONDS));
        assertEquals(EndReason.NOTDIRECTORY, assertInstanceOf(StreamRefusedException.class, noDirectory.getCause())
                .endReason().orElseThrow());

        // A directory plugged in: BEGIN_DIR reaches it (the directory issue's HTTP server goes here).
        net.services(net.relay(2)).directory(Echo.INSTANCE);
        Collector collector = new Collector();
        OnionStreamChannel directory = streams.openDirectory(collector).get(10, TimeUnit.SECONDS);
        directory.writeAndFlush(Unpooled.copiedBuffer("GET /tor/status-vote/current/consensus", StandardCharsets.US_ASCII));
        OnionTestNetwork.await(() -> collector.size() == 38, "the directory's answer");

        assertTrue(circuit.isOpen(), "refusals end streams, not the circuit");
        directory.close().sync();
    }

    /**
     * Streams can end at an origin circuit too (what an onion service's rendezvous circuit needs): here
     * the relay at the far end opens a stream towards the client, whose circuit accepts it.
     */
    @Test
    void anOriginCircuitAcceptsAStreamOpenedFromTheOtherEnd() throws Exception {
        net = new OnionTestNetwork(2);
        BlockingQueue<CircuitStreams> relayEdges = new LinkedBlockingQueue<>();
        net.relay(1).acceptStreams(edge -> {
            CircuitStreams streams = new CircuitStreams(edge, StreamAcceptor.NONE);
            relayEdges.add(streams);
            return streams;
        });
        OriginCircuit circuit = net.circuit(net.relay(0), net.relay(1));
        LocalServices clientServices = new LocalServices();
        clientServices.register(PORT, Echo.INSTANCE);
        CircuitStreams clientSide = CircuitStreams.attach(circuit, 1, clientServices);
        // Any stream message makes the relay's hop create its stream layer: a BEGIN it refuses will do.
        assertThrows(ExecutionException.class,
                () -> clientSide.open("127.0.0.1", 1, new Collector()).get(10, TimeUnit.SECONDS));
        CircuitStreams relaySide = relayEdges.poll(10, TimeUnit.SECONDS);
        assertNotNull(relaySide);

        Collector collector = new Collector();
        OnionStreamChannel reverse = relaySide.open("client", PORT, collector).get(10, TimeUnit.SECONDS);
        byte[] data = random(5_000, 17);
        reverse.writeAndFlush(Unpooled.wrappedBuffer(data));
        OnionTestNetwork.await(() -> collector.size() == data.length, "the client's echo", TRANSFER);
        reverse.close().sync();
        assertArrayEquals(data, collector.closed.get(10, TimeUnit.SECONDS));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> relaySide.open("client", PORT + 1, new Collector()).get(10, TimeUnit.SECONDS));
        assertEquals(EndReason.EXITPOLICY, assertInstanceOf(StreamRefusedException.class, refused.getCause())
                .endReason().orElseThrow());
    }

    @Test
    void aRelayThatAcceptsNoStreamsAnswersBeginWithExitPolicy() throws Exception {
        net = new OnionTestNetwork(2);
        OriginCircuit circuit = net.circuit(net.relay(0), net.relay(1));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> net.streams(circuit).open("example.org", 443, new Collector()).get(10, TimeUnit.SECONDS));
        assertEquals(EndReason.EXITPOLICY, assertInstanceOf(StreamRefusedException.class, refused.getCause())
                .endReason().orElseThrow());
    }

    @Test
    void halfCloseLetsTheServiceAnswerAfterTheClientsEnd() throws Exception {
        net = new OnionTestNetwork(3);
        // The service counts what it receives until the client's END, then answers with the count and closes.
        net.services(net.relay(2)).register(PORT, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    long count;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        count += ((ByteBuf) msg).readableBytes();
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == ChannelInputShutdownEvent.INSTANCE) {
                            assertTrue(((OnionStreamChannel) ctx.channel()).isInputShutdown());
                            ctx.writeAndFlush(Unpooled.copiedBuffer("received " + count, StandardCharsets.US_ASCII))
                                    .addListener(written -> ctx.close());
                        }
                    }
                }, ClosesOnError.INSTANCE);
            }
        });
        Collector collector = new Collector();
        OnionStreamChannel stream = net.openStream(threeHops(), PORT, collector);
        stream.writeAndFlush(Unpooled.wrappedBuffer(random(12_345, 3)));
        stream.shutdownOutput().sync();
        assertTrue(stream.isOutputShutdown());
        assertThrows(Exception.class, () -> stream.writeAndFlush(Unpooled.buffer(1).writeByte(1)).sync(),
                "no writes after shutdownOutput");

        byte[] answer = collector.closed.get(10, TimeUnit.SECONDS);
        assertEquals("received 12345", new String(answer, StandardCharsets.US_ASCII));
        assertEquals(null, collector.error.get(), "the service's END (DONE) is an orderly end, not an error");
        assertFalse(stream.isOpen());
    }

    /**
     * The usual Netty way to answer and hang up, {@code writeAndFlush(answer).addListener(CLOSE)}: the close
     * runs as soon as the last bytes leave the outbound buffer, so END must not overtake their DATA cell
     * (the last 296 bytes of an 8 MiB answer were lost that way).
     */
    @Test
    void closingWhenTheLastWriteCompletesLosesNoData() throws Exception {
        net = new OnionTestNetwork(3);
        byte[] answer = random(3 * Data.MAX_LENGTH * 100 + 296, 11);
        net.services(net.relay(2)).register(PORT, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
            }
        });
        Collector collector = new Collector();
        net.openStream(threeHops(), PORT, collector);
        byte[] received = collector.closed.get(TRANSFER.toSeconds(), TimeUnit.SECONDS);
        assertEquals(answer.length, received.length, "every byte before the END");
        assertArrayEquals(answer, received);
        assertEquals(null, collector.error.get(), "an orderly END (DONE)");
    }

    @Test
    void anEndWithAnErrorReasonReachesTheServiceAsAStreamResetException() throws Exception {
        net = new OnionTestNetwork(3);
        BlockingQueue<Collector> accepted = new LinkedBlockingQueue<>();
        net.services(net.relay(2)).register(PORT, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                Collector collector = new Collector();
                accepted.add(collector);
                channel.pipeline().addLast(collector);
            }
        });
        OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1), net.relay(2));
        circuit.send(2, 9, new Begin("127.0.0.1", PORT, 0));
        assertInstanceOf(Connected.class, next().envelope().message());
        circuit.send(2, 9, new End(EndReason.CONNRESET));

        Collector service = accepted.poll(10, TimeUnit.SECONDS);
        service.closed.get(10, TimeUnit.SECONDS);
        StreamResetException reset = assertInstanceOf(StreamResetException.class, service.error.get());
        assertEquals(EndReason.CONNRESET, reset.endReason().orElseThrow());
        assertTrue(circuit.isOpen());
    }

    @Test
    void dataBeyondTheStreamWindowEndsTheStreamWithTorProtocol() throws Exception {
        net = new OnionTestNetwork(3);
        // A service that never reads: its stream sends no SENDME, so the window stays at 500 cells.
        net.services(net.relay(2)).register(PORT, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.config().setAutoRead(false);
                channel.pipeline().addLast(ClosesOnError.INSTANCE);
            }
        });
        OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1), net.relay(2));
        circuit.send(2, 5, new Begin("127.0.0.1", PORT, 0));
        assertInstanceOf(Connected.class, next().envelope().message());
        for (int i = 0; i < StreamWindow.START + 1; i++) {
            circuit.send(2, 5, new Data(Unpooled.wrappedBuffer(new byte[Data.MAX_LENGTH])));
        }
        End end = null;
        while (end == null) {
            OnionTestNetwork.Received received = next();
            if (received.envelope().message() instanceof End e) {
                end = e; // circuit-level SENDMEs (every 100 DATA) come first
                assertEquals(5, received.envelope().streamId());
            }
        }
        assertEquals(EndReason.TORPROTOCOL, end.reason().orElseThrow());
        assertTrue(circuit.isOpen(), "a stream-level violation ends the stream, not the circuit");
    }

    private OnionTestNetwork.Received next() throws InterruptedException {
        OnionTestNetwork.Received received = inbox.poll(10, TimeUnit.SECONDS);
        assertNotNull(received, "no relay message within 10 s");
        return received;
    }

    /**
     * A client without a stream layer reads 100 DATA cells and answers with a circuit SENDME v1 (§7.4):
     * with the digest of the 100th cell the circuit lives on, with a wrong one the relay destroys it.
     */
    @Test
    void aCircuitSendmeWithAWrongDigestKillsTheCircuitAndTheRightOneDoesNot() throws Exception {
        net = new OnionTestNetwork(3);
        byte[] payload = random(CircuitWindow.INCREMENT * Data.MAX_LENGTH, 5);
        net.services(net.relay(2)).register(PORT, new ChannelInboundHandlerAdapter() {
            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(payload)); // exactly 100 full cells
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // the circuit this test kills takes the stream with it
            }
        });
        for (boolean rightDigest : new boolean[] {true, false}) {
            inbox.clear();
            OriginCircuit circuit = net.build(inbox, net.relay(0), net.relay(1), net.relay(2));
            AtomicReference<byte[]> digestOf100th = new AtomicReference<>();
            AtomicInteger dataCells = new AtomicInteger();
            circuit.onMessage((hop, envelope) -> {
                if (envelope.message() instanceof Data data) {
                    data.release();
                    if (dataCells.incrementAndGet() == CircuitWindow.INCREMENT) {
                        digestOf100th.set(circuit.edge(hop).lastReceivedDigest());
                    }
                }
                inbox.add(new OnionTestNetwork.Received(hop, envelope));
            });
            circuit.send(2, 3, new Begin("127.0.0.1", PORT, 0));
            OnionTestNetwork.await(() -> digestOf100th.get() != null, "100 DATA cells");
            byte[] digest = digestOf100th.get().clone();
            if (!rightDigest) {
                digest[0] ^= 1;
            }
            circuit.send(2, 0, Sendme.authenticated(digest));
            if (rightDigest) {
                // The circuit still works: a new stream on it is refused normally (port 81 has no service).
                circuit.send(2, 4, new Begin("127.0.0.1", 81, 0));
                OnionTestNetwork.Received answer;
                do {
                    answer = next();
                } while (answer.envelope().streamId() != 4);
                assertEquals(EndReason.EXITPOLICY,
                        assertInstanceOf(End.class, answer.envelope().message()).reason().orElseThrow());
                assertTrue(circuit.isOpen());
                circuit.destroy();
            } else {
                // The last relay destroys it (PROTOCOL); the relays before pass that on as DESTROYED (§5.4).
                CircuitClosedException closed = circuit.whenClosed().get(10, TimeUnit.SECONDS);
                assertEquals(DestroyReason.DESTROYED.code(), closed.reasonCode(), closed.getMessage());
            }
        }
    }

    @Test
    void aMiddleRelayKilledMidStreamFailsTheStreamCleanlyAndANewCircuitWorks() throws Exception {
        net = new OnionTestNetwork(4);
        BlockingQueue<Transfer> accepted = new LinkedBlockingQueue<>();
        long endless = 1L << 40;
        net.services(net.relay(2)).register(PORT, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                Transfer transfer = new Transfer(endless, endless, 4096);
                accepted.add(transfer);
                channel.pipeline().addLast(transfer.handler(), ClosesOnError.INSTANCE);
            }
        });
        OriginCircuit circuit = threeHops();
        Transfer client = new Transfer(endless, endless, 4096);
        OnionStreamChannel stream = net.openStream(circuit, PORT, client.handler());
        Transfer service = accepted.poll(10, TimeUnit.SECONDS);
        OnionTestNetwork.await(() -> client.received() > 100_000 && service.received() > 100_000,
                "100 kB each way before the kill", TRANSFER);

        net.kill(net.relay(1));

        ExecutionException failed = assertThrows(ExecutionException.class, () -> client.done().get(10, TimeUnit.SECONDS));
        CircuitLostException lost = assertInstanceOf(CircuitLostException.class, failed.getCause());
        // The first relay's link to the dead one closed (CHANNEL_CLOSED), or the dead relay's own teardown
        // reached it first as DESTROY and the first relay passed it on as DESTROYED (§5.4): either way a
        // circuit-level reason, nothing else.
        assertTrue(lost.destroyReasonCode() == DestroyReason.CHANNEL_CLOSED.code()
                || lost.destroyReasonCode() == DestroyReason.DESTROYED.code(), lost.getMessage());
        assertEquals(stream.streamId(), ((OnionStreamAddress) stream.remoteAddress()).streamId());
        stream.closeFuture().await(10, TimeUnit.SECONDS);
        assertFalse(stream.isOpen());
        assertEquals(lost, stream.closeCause().orElseThrow());
        assertEquals(lost.destroyReasonCode(), circuit.whenClosed().get(10, TimeUnit.SECONDS).reasonCode());
        ExecutionException serviceFailed = assertThrows(ExecutionException.class,
                () -> service.done().get(10, TimeUnit.SECONDS));
        assertInstanceOf(CircuitLostException.class, serviceFailed.getCause(), "the service's end learns it too");

        // A new circuit around the dead relay reaches the same service.
        net.services(net.relay(2)).register(PORT + 1, Echo.INSTANCE);
        OriginCircuit detour = net.circuit(net.relay(0), net.relay(3), net.relay(2));
        Collector collector = new Collector();
        OnionStreamChannel again = net.openStream(detour, PORT + 1, collector);
        again.writeAndFlush(Unpooled.wrappedBuffer(random(10_000, 11)));
        OnionTestNetwork.await(() -> collector.size() == 10_000, "the echo over the new circuit", TRANSFER);
        again.close().sync();
    }

    @Test
    void writabilityFollowsThePackageWindowAndComesBackWithTheReadersSendmes() throws Exception {
        net = new OnionTestNetwork(3);
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Collector serviceSide = new Collector();
        net.services(net.relay(2)).register(PORT, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.config().setAutoRead(false); // not reading: no stream SENDMEs
                channel.pipeline().addLast(serviceSide);
                accepted.add(channel);
            }
        });
        Collector collector = new Collector();
        OnionStreamChannel stream = net.openStream(threeHops(), PORT, collector);
        Channel service = accepted.poll(10, TimeUnit.SECONDS);

        // The stream window is 500 cells; 10,000 bytes more stay queued, below the 32 KiB low water mark,
        // so only the window can make the channel unwritable.
        int windowBytes = StreamWindow.START * Data.MAX_LENGTH;
        byte[] data = random(windowBytes + 10_000, 13);
        for (int at = 0; at < data.length; at += 1000) { // 1000-byte buffers: pending bytes drop as cells go
            stream.write(Unpooled.wrappedBuffer(data, at, 1000));
        }
        stream.flush();
        OnionTestNetwork.await(() -> onLoop(stream, stream::streamWindowExhausted), "the stream window to fill", TRANSFER);
        long pending = onLoop(stream, () -> stream.unsafe().outboundBuffer().totalPendingWriteBytes());
        assertTrue(pending >= 10_000 && pending < 32 * 1024, "the 10,000 bytes beyond the window wait, below the low "
                + "water mark (with Netty's per-entry overhead): " + pending);
        assertFalse(stream.isWritable(), "an exhausted package window makes the stream unwritable");
        int changes = collector.writabilityChanges.get();
        assertTrue(changes >= 1, "channelWritabilityChanged fired when the window closed");

        service.config().setAutoRead(true);
        OnionTestNetwork.await(() -> serviceSide.size() == data.length, "everything to arrive once the service reads",
                TRANSFER);
        OnionTestNetwork.await(stream::isWritable, "the SENDMEs to reopen the window");
        assertTrue(collector.writabilityChanges.get() > changes, "channelWritabilityChanged fired when it reopened");
        stream.close().sync();
        assertArrayEquals(data, serviceSide.closed.get(10, TimeUnit.SECONDS));
    }

    private static <T> T onLoop(OnionStreamChannel stream, java.util.concurrent.Callable<T> read) {
        try {
            return stream.eventLoop().submit(read).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
