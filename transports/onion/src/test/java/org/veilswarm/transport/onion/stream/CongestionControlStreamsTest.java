package org.veilswarm.transport.onion.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.veilswarm.transport.onion.stream.StreamTestSupport.pollUntil;
import static org.veilswarm.transport.onion.stream.StreamTestSupport.settledDataCellsSentByA;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.veilswarm.transport.onion.stream.StreamTestSupport.Sink;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.StreamFlow;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.testing.LeakCheck;

/**
 * The stream layer with proposal 324's congestion control over two in-memory circuit edges ({@link EdgePair}):
 * circuit SENDMEs every 31 cells, no stream SENDMEs, XOFF/XON for a reader that stops.
 */
@ExtendWith(LeakCheck.class)
class CongestionControlStreamsTest extends EdgePairStreams {
    CongestionControlStreamsTest() {
        super(FlowControl.CONGESTION_CONTROL);
    }

    @Test
    void aBulkTransferIsAcknowledgedEveryThirtyOneCellsWithNoStreamSendmesAndTheWindowGrows() throws Exception {
        Sink sink = new Sink();
        services.register(80, sink);
        OnionStreamChannel stream = client.open("service", 80, ClosesOnError.INSTANCE).get(10, TimeUnit.SECONDS);
        int cells = 1000; // more than a fixed stream window (500): congestion control has none
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[cells * 498])).sync();
        assertEquals(cells * 498L, pollUntil(sink.bytes, cells * 498L));

        assertEquals(cells / 31, (int) pair.onLoop(() -> pair.b.sentCommands[RelayCommand.SENDME.code()]),
                "one circuit SENDME per 31 DATA cells and not a single stream SENDME");
        CongestionWindow window = (CongestionWindow) (CircuitFlow) pair.onLoop(client::circuitFlow);
        assertEquals(cells / 31, (long) pair.onLoop(window::sendmes), "every SENDME's v1 digest matched");
        assertEquals(cells % 31, (int) pair.onLoop(window::inflight));
        assertTrue(pair.onLoop(window::cwnd) > CongestionWindow.CWND_INIT_INCREMENTS * 31,
                "the congestion window grew from cc_cwnd_init: " + pair.onLoop(window::toString));
        assertEquals(0, (int) pair.onLoop(() -> pair.b.sentCommands[RelayCommand.XOFF.code()]), "the reader kept up");
        stream.close().sync();
    }

    @Test
    void aReaderThatStopsStopsItsSenderWithXoffAndXonLetsItGoOn() throws Exception {
        Sink sink = new Sink();
        LinkedBlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        services.register(80, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.config().setAutoRead(false); // the application reads nothing for now
                channel.pipeline().addLast(sink, ClosesOnError.INSTANCE);
                accepted.add(channel);
            }
        });
        OnionStreamChannel stream = client.open("service", 80, ClosesOnError.INSTANCE).get(10, TimeUnit.SECONDS);
        int cells = 4000;
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[cells * 498]));

        int sent = settledDataCellsSentByA(pair);
        assertEquals(1, (int) pair.onLoop(() -> pair.b.sentCommands[RelayCommand.XOFF.code()]));
        assertTrue(pair.onLoop(() -> pair.b.receivedAtFirstSend[RelayCommand.XOFF.code()]) > XonXoffFlow.XOFF_LIMIT,
                "XOFF only once more than cc_xoff_client cells waited");
        assertTrue(sent < cells, "XOFF stopped the sender after " + sent + " of " + cells + " cells");
        assertEquals(sent, (int) pair.onLoop(service::unconsumedCells), "what was sent waits unread");
        assertFalse(pair.onLoop(stream::isWritable), "the stopped stream is not writable");

        Channel reader = accepted.poll(10, TimeUnit.SECONDS);
        reader.config().setAutoRead(true);
        assertEquals(cells * 498L, pollUntil(sink.bytes, cells * 498L));
        assertTrue(pair.onLoop(() -> pair.b.sentCommands[RelayCommand.XON.code()]) >= 1, "XON let the sender go on");
        assertEquals(0, (int) pair.onLoop(service::unconsumedCells));
        stream.close().sync();
    }

    @Test
    void aSenderThatIgnoresXoffHasItsStreamEndedAtTheQueueLimit() throws Exception {
        LinkedBlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        services.register(80, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.config().setAutoRead(false);
                channel.pipeline().addLast(new Sink(), ClosesOnError.INSTANCE);
                accepted.add(channel);
            }
        });
        OnionStreamChannel stream = client.open("service", 80, ClosesOnError.INSTANCE).get(10, TimeUnit.SECONDS);
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[600 * 498]));
        int sent = settledDataCellsSentByA(pair); // stopped by XOFF
        OnionStreamChannel serviceSide = (OnionStreamChannel) accepted.poll(10, TimeUnit.SECONDS);
        // Now the other end goes on regardless: cells for the stream keep arriving at the service.
        int limit = new XonXoffFlow().queueLimit();
        pair.onLoop(() -> {
            for (int i = sent; i <= limit && serviceSide.isOpen(); i++) {
                service.message(serviceSide.streamId(), new org.veilswarm.transport.onion.cell.Data(
                        Unpooled.wrappedBuffer(new byte[498])));
            }
            return null;
        });
        serviceSide.closeFuture().await(10, TimeUnit.SECONDS);
        StreamProtocolException why = assertInstanceOf(StreamProtocolException.class, serviceSide.closeCause().orElseThrow());
        assertEquals(org.veilswarm.transport.onion.cell.EndReason.RESOURCELIMIT.code(), why.endReasonCode());
        assertEquals(0, (int) pair.onLoop(service::unconsumedCells), "the ended stream's cells were released");
    }

    @Test
    void anXoffBeforeFiveHundredCellsWereSentDestroysTheCircuit() throws Exception {
        services.register(80, new Sink());
        OnionStreamChannel stream = client.open("service", 80, ClosesOnError.INSTANCE).get(10, TimeUnit.SECONDS);
        pair.onLoop(() -> {
            client.message(stream.streamId(), StreamFlow.XOFF);
            return null;
        });
        CircuitClosedException why = pair.a.whenClosed().get(10, TimeUnit.SECONDS);
        assertEquals(DestroyReason.PROTOCOL.code(), why.reasonCode(), "proposal 324 §4.1.4");
    }

    @Test
    void aStreamSendmeOnACongestionControlledCircuitEndsTheStream() throws Exception {
        services.register(80, new Sink());
        OnionStreamChannel stream = client.open("service", 80, ClosesOnError.INSTANCE).get(10, TimeUnit.SECONDS);
        pair.onLoop(() -> {
            client.message(stream.streamId(), org.veilswarm.transport.onion.cell.Sendme.UNAUTHENTICATED);
            return null;
        });
        stream.closeFuture().await(10, TimeUnit.SECONDS);
        assertInstanceOf(StreamProtocolException.class, stream.closeCause().orElseThrow());
    }


}
