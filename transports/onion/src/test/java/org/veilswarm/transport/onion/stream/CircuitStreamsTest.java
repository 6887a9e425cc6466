package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.transport.onion.stream.StreamTestSupport.pollUntil;
import static org.veilswarm.transport.onion.stream.StreamTestSupport.settledDataCellsSentByA;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.stream.StreamTestSupport.Sink;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.EndReason;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.testing.LeakCheck;

/** The stream layer over two in-memory circuit edges ({@link EdgePair}): exact counts, no network. */
@ExtendWith(LeakCheck.class)
class CircuitStreamsTest extends EdgePairStreams {
    CircuitStreamsTest() {
        super(FlowControl.FIXED_WINDOWS);
    }

    @Test
    void cellsAndSendmesAreCountedExactlyByTheSpecsWindows() throws Exception {
        Sink sink = new Sink();
        services.register(80, sink);
        OnionStreamChannel stream = client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS);
        int cells = 1000;
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[cells * 498])).sync();
        assertEquals(cells * 498L, pollUntil(sink.bytes, cells * 498L));

        // 1000 full DATA cells: 20 stream SENDMEs (one per 50 consumed) and 10 circuit SENDMEs (one per 100).
        int sendmes = pair.onLoop(() -> pair.b.sentCommands[RelayCommand.SENDME.code()]);
        assertEquals(30, sendmes);
        assertEquals(cells, (int) pair.onLoop(() -> pair.a.sentCommands[RelayCommand.DATA.code()]));
        assertEquals(CircuitWindow.START, (int) pair.onLoop(client::circuitPackageWindow),
                "every circuit SENDME was accepted: the v1 digests matched");
        stream.close().sync();
    }

    @Test
    void aStreamSendmeLeavesAsSoonAsItsFiftyCellsArrivedNotAfterTheWholeBurst() throws Exception {
        // A whole stream window (500 cells) sent in one burst reaches the service's loop as 500 queued
        // deliveries, as a link read batch of 16 socket reads can. Acknowledging only at the burst's end
        // held the sender's next window back by the whole burst; the first stream SENDME (tor-spec §7.4:
        // one per 50 consumed) must leave once 50 cells have arrived.
        Sink sink = new Sink();
        services.register(80, sink);
        OnionStreamChannel stream = client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS);
        int cells = StreamWindow.START;
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[cells * 498])).sync();
        assertEquals(cells * 498L, pollUntil(sink.bytes, cells * 498L));

        int receivedAtFirstSendme = pair.onLoop(() -> pair.b.receivedAtFirstSend[RelayCommand.SENDME.code()]);
        // BEGIN, then the DATA cells: the first SENDME must not wait for more than one increment of them.
        assertTrue(receivedAtFirstSendme > 0 && receivedAtFirstSendme <= 1 + StreamWindow.INCREMENT,
                "the service had received " + receivedAtFirstSendme + " messages (BEGIN and DATA of a " + cells
                        + "-cell burst) when it sent its first SENDME; expected at most 1 + " + StreamWindow.INCREMENT);
        stream.close().sync();
    }


    @Test
    void aCircuitClosingBeforeConnectedFailsTheOpenWithCircuitLost() throws Exception {
        // No service yet on the other side: hold BEGIN back by closing the circuit first.
        pair.onLoop(() -> {
            pair.b.destroy(DestroyReason.PROTOCOL);
            return null;
        });
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
        CircuitLostException lost = assertInstanceOf(CircuitLostException.class, failed.getCause());
        assertEquals(DestroyReason.DESTROYED.code(), lost.destroyReasonCode());
    }

    @Test
    void noConnectedWithinTheConnectTimeoutEndsTheStream() throws Exception {
        // The "service" side answers nothing: an edge handler that drops BEGIN.
        pair.b.handler(new org.veilswarm.transport.onion.circuit.EdgeHandler() {
            @Override
            public void message(int streamId, org.veilswarm.transport.onion.cell.RelayMessage message) {
                io.netty.util.ReferenceCountUtil.release(message);
            }

            @Override
            public void closed(CircuitClosedException why) {
            }
        });
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> client.open("silent", 80, new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 200);
                    }
                }).get(10, TimeUnit.SECONDS));
        assertInstanceOf(StreamConnectTimeoutException.class, failed.getCause());
        assertEquals(1, (int) pair.onLoop(() -> pair.a.sentCommands[RelayCommand.END.code()]),
                "the abandoned stream is ended");
        assertEquals(0, (int) pair.onLoop(client::size));
    }

    @Test
    void anAcceptorThatThrowsAnswersEndInternalAndOneThatRefusesEndExitPolicy() throws Exception {
        CircuitStreams throwing = new CircuitStreams(pair.b, request -> {
            throw new IllegalStateException("service broken");
        });
        pair.b.handler(throwing);
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
        assertEquals(EndReason.INTERNAL, assertInstanceOf(StreamRefusedException.class, failed.getCause())
                .endReason().orElseThrow());

        pair.b.handler(service); // LocalServices with nothing on port 80
        failed = assertThrows(ExecutionException.class,
                () -> client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
        assertEquals(EndReason.EXITPOLICY, assertInstanceOf(StreamRefusedException.class, failed.getCause())
                .endReason().orElseThrow());
    }

    @Test
    void aClosedStreamsLateDataStillCountsAgainstTheCircuitWindow() throws Exception {
        LinkedBlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        services.register(80, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                accepted.add(channel);
            }
        });
        OnionStreamChannel stream = client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS);
        Channel serviceSide = accepted.poll(10, TimeUnit.SECONDS);
        serviceSide.close().sync(); // the service closes; the client writes on before it hears END
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[150 * 498]));
        OnionStreamChannel[] holder = {stream};
        stream.closeFuture().await(10, TimeUnit.SECONDS);
        assertFalse(holder[0].isOpen(), "END from the service closed the client's stream (no half-closure)");
        assertTrue(pair.onLoop(() -> pair.b.sentCommands[RelayCommand.SENDME.code()]) <= 1,
                "at most one circuit SENDME for at most 150 late cells");
    }

    @Test
    void slowReadersOnManyStreamsHoldBackCircuitSendmesSoTheEdgeBuffersAtMostItsBudget() throws Exception {
        int streamCount = 8;
        int cellsPerStream = StreamWindow.START; // each stream's own window allows all of them
        Sink sink = new Sink();
        LinkedBlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        services.register(80, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.config().setAutoRead(false); // the application reads nothing for now
                channel.pipeline().addLast(sink);
                accepted.add(channel);
            }
        });
        List<OnionStreamChannel> streams = new ArrayList<>();
        for (int i = 0; i < streamCount; i++) {
            streams.add(client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
        }
        for (OnionStreamChannel stream : streams) {
            stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[cellsPerStream * 498]));
        }
        int sentWhileNobodyReads = settledDataCellsSentByA(pair);
        int bound = CircuitWindow.INBOUND_BUDGET + CircuitWindow.START;
        assertTrue(sentWhileNobodyReads <= bound, "the client could send " + sentWhileNobodyReads
                + " DATA cells that nobody read; the edge must buffer at most " + bound);
        assertEquals(sentWhileNobodyReads, (int) pair.onLoop(service::unconsumedCells), "all of them wait unread");
        assertTrue(sentWhileNobodyReads < streamCount * cellsPerStream, "the held-back SENDMEs stopped the sender");

        // The readers catch up: the held-back SENDMEs go out and everything arrives.
        for (int i = 0; i < streamCount; i++) {
            accepted.poll(10, TimeUnit.SECONDS).config().setAutoRead(true);
        }
        long total = (long) streamCount * cellsPerStream * 498;
        assertEquals(total, pollUntil(sink.bytes, total));
        assertEquals(0, (int) pair.onLoop(service::unconsumedCells));
        for (OnionStreamChannel stream : streams) {
            stream.close().sync();
        }
    }


    @Test
    void theOtherEndMayOpenAtMost64StreamsOnOneEdge() throws Exception {
        services.register(80, new Sink());
        List<OnionStreamChannel> streams = new ArrayList<>();
        for (int i = 0; i < CircuitStreams.MAX_ACCEPTED_STREAMS; i++) {
            streams.add(client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
        }
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
        assertEquals(EndReason.RESOURCELIMIT, assertInstanceOf(StreamRefusedException.class, failed.getCause())
                .endReason().orElseThrow());

        streams.remove(0).close().sync();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pair.onLoop(service::size) >= CircuitStreams.MAX_ACCEPTED_STREAMS && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        streams.add(client.open("service", 80, new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
        for (OnionStreamChannel stream : streams) {
            stream.close().sync();
        }
    }

    @Test
    void aStreamMessageWithStreamIdZeroDestroysTheCircuit() throws Exception {
        pair.onLoop(() -> {
            client.message(0, new org.veilswarm.transport.onion.cell.Data(Unpooled.wrappedBuffer(new byte[] {1})));
            return null;
        });
        CircuitClosedException why = pair.a.whenClosed().get(10, TimeUnit.SECONDS);
        assertEquals(DestroyReason.PROTOCOL.code(), why.reasonCode(), "tor-spec §6.1");
    }
}
