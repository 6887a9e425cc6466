package org.veilswarm.transport.onion.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.veilswarm.transport.onion.cell.Data;
import org.veilswarm.transport.onion.cell.EndReason;
import org.veilswarm.transport.onion.cell.StreamFlow;

/**
 * One stream on a circuit as a Netty channel (tor-spec §6.2), a child of its circuit edge's
 * {@link CircuitStreams} running on the circuit's event loop; no thread of its own. Writes are cut into
 * RELAY_DATA cells of at most 498 bytes (small writes flushed together share cells); reads deliver
 * each cell's data as a {@link ByteBuf}.
 *
 * <p><b>Flow control</b> (tor-spec §7.3, §7.4; proposal 324 §4.1 on circuits with congestion control): a
 * cell is sent only while both the stream and its circuit edge may send (the stream's package window, or no
 * XOFF from the other end; the circuit's window or congestion window). When either may not, the rest waits in
 * the channel's outbound buffer and {@link #isWritable()} is false (user-defined writability bit 1), besides
 * the usual water marks; a SENDME or XON fires {@code channelWritabilityChanged} and sends what waited.
 * Reading side, fixed windows: a stream SENDME goes out for every 50 cells the pipeline has been handed, so a
 * reader that stops reading (auto-read off) stops its sender after at most 500 cells (≈ 243 KiB); the cells it
 * has not read also hold back circuit SENDMEs (see {@link CircuitStreams}). With congestion control: an XOFF
 * goes out once more than 500 cells wait unread, an XON when the reader has taken them all.
 *
 * <p><b>Closing</b> (tor-spec §6.3): {@link #shutdownOutput()} sends RELAY_END once the queued data
 * has gone out (a half-close); {@link #close()} sends END at once. An END with reason DONE, or MISC
 * (all an originator may say), is the peer's orderly end: the input ends, and the channel closes
 * unless {@link io.netty.channel.ChannelOption#ALLOW_HALF_CLOSURE} is set. Other reasons raise a
 * {@link StreamResetException}; a closed circuit a {@link CircuitLostException}
 * ({@code exceptionCaught}, then close; {@link #closeCause()} keeps it).
 */
public final class OnionStreamChannel extends AbstractChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /**
     * Received cells handed to the pipeline at once, without waiting for the end of the link's read batch:
     * one stream SENDME's worth (tor-spec §7.4), so the SENDME that reading them earns leaves at once. Fewer
     * would cost a pipeline burst per few cells with no SENDME gained; more would hold the SENDME back.
     */
    private static final int DELIVER_AT_ONCE = StreamWindow.INCREMENT;
    /** User-defined writability bit for an exhausted package window. */
    private static final int WINDOW_WRITABILITY_BIT = 1;

    private enum State {
        OPENING, OPEN, CLOSED
    }

    private final CircuitStreams streams;
    private final int streamId;
    private final boolean originator;
    private final OnionStreamChannelConfig config = new OnionStreamChannelConfig(this);
    private final StreamFlowControl window;
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private final OnionStreamAddress local;
    private final OnionStreamAddress remote;
    private volatile State state;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private boolean readPending;
    private boolean delivering;
    /** A task that delivers what arrived in the current read batch is queued on the event loop. */
    private boolean deliveryScheduled;
    private boolean inputEnded;
    private boolean endSent;
    private boolean windowBlocked;
    private ChannelPromise shutdownOutputPromise;
    private Promise<OnionStreamChannel> connectPromise;
    private ScheduledFuture<?> connectTimeout;
    private Throwable closeCause;

    OnionStreamChannel(CircuitStreams streams, int streamId, boolean originator, String target) {
        super(null);
        this.streams = streams;
        this.streamId = streamId;
        this.originator = originator;
        this.state = originator ? State.OPENING : State.OPEN;
        this.window = streams.newStreamFlow();
        String circuit = streams.edge().toString();
        this.local = new OnionStreamAddress(circuit, streamId, originator ? "origin" : target);
        this.remote = new OnionStreamAddress(circuit, streamId, originator ? target : "origin");
    }

    /** The stream ID on its circuit (tor-spec §6.1). */
    public int streamId() {
        return streamId;
    }

    /** The circuit edge's streams this one belongs to. */
    public CircuitStreams circuitStreams() {
        return streams;
    }

    /** True if this end opened the stream (sent BEGIN), false if it accepted it. */
    boolean isOriginator() {
        return originator;
    }

    /** Why the stream closed, if it did for an error ({@link OnionStreamException} subclasses). */
    public Optional<Throwable> closeCause() {
        return Optional.ofNullable(closeCause);
    }

    @Override
    public OnionStreamChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    @Override
    public boolean isActive() {
        return state == State.OPEN;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    private final class StreamUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("open streams with CircuitStreams.open"));
        }
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop == streams.edge().eventLoop();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("streams are not bound");
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    // ---- opening (on the event loop) ----

    void awaitConnected(Promise<OnionStreamChannel> promise, String target) {
        connectPromise = promise;
        long millis = config.getConnectTimeoutMillis();
        if (millis > 0) {
            connectTimeout = eventLoop().schedule(() -> {
                if (state == State.OPENING) {
                    fail(new StreamConnectTimeoutException(target, millis), true);
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** RELAY_CONNECTED arrived (tor-spec §6.2). */
    void connected() {
        if (state != State.OPENING) {
            return; // a second CONNECTED, or one after we gave up: nothing to do
        }
        state = State.OPEN;
        cancelConnectTimeout();
        pipeline().fireChannelActive();
        connectPromise.trySuccess(this);
    }

    private void cancelConnectTimeout() {
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
    }

    // ---- inbound (on the event loop) ----

    /** A RELAY_DATA cell for this stream; takes ownership. */
    void dataReceived(Data data) {
        if (state != State.OPEN || inputEnded) {
            data.release(); // late data after we closed or after the peer's END: dropped
            streams.cellsConsumed(1);
            return;
        }
        if (!window.dataReceived()) {
            data.release();
            streams.cellsConsumed(1);
            fail(new StreamProtocolException("stream " + streamId + ": DATA beyond the stream window (§7.4)",
                    EndReason.TORPROTOCOL.code()), true);
            return;
        }
        if (inputShutdown) {
            data.release();
            streams.cellsConsumed(1);
            acknowledge(1);
            return;
        }
        if (inbound.size() >= window.queueLimit()) {
            data.release();
            streams.cellsConsumed(1);
            fail(new StreamProtocolException("stream " + streamId + ": " + inbound.size() + " cells wait unread and "
                    + "more come: the other end ignores XOFF (proposal 324 §4.1.3)", EndReason.RESOURCELIMIT.code()), true);
            return;
        }
        inbound.addLast(data.content());
        StreamFlow xoff = window.queued(inbound.size());
        if (xoff != null) {
            streams.sendFlow(streamId, xoff);
        }
        if (readPending && !delivering && inbound.size() >= DELIVER_AT_ONCE) {
            // A SENDME's worth waits: hand it over now, so its stream SENDME goes out while the link's read
            // batch goes on (a batch can hold the whole 500-cell window; acknowledging only at its end made
            // the sender wait for the last cell of a window before it could send the next).
            readPending = false;
            deliver();
        } else if (readPending && !deliveryScheduled) {
            // Not at once: the other cells of this link read (a TLS record holds up to 32) join them, so the
            // pipeline sees one channelRead burst and one channelReadComplete (one flush of an echo, one run
            // of stream SENDMEs) per link read, not per 498 bytes. The loop runs the task after its reads.
            deliveryScheduled = true;
            streams.eventLoop().execute(this::deliverBatch);
        }
    }

    private void deliverBatch() {
        deliveryScheduled = false;
        if (readPending && !inbound.isEmpty() && !delivering && state != State.CLOSED) {
            readPending = false;
            deliver();
        }
    }

    /** A stream-level SENDME (tor-spec §7.4). */
    void sendmeReceived() {
        if (state != State.OPEN) {
            return;
        }
        if (!window.sendmeReceived()) {
            fail(new StreamProtocolException("stream " + streamId + ": stream SENDME beyond the stream window (§7.4), "
                    + "or on a circuit with congestion control, which has none (proposal 324 §2.2)",
                    EndReason.TORPROTOCOL.code()), true);
            return;
        }
        windowReopened();
    }

    /**
     * An XON or XOFF for this stream (proposal 324 §4.1); false if it is a violation that should close the
     * circuit.
     */
    boolean flowReceived(StreamFlow message) {
        if (state != State.OPEN) {
            return true;
        }
        if (!window.flowReceived(message)) {
            return false;
        }
        if (message.isXoff()) {
            updateWritability();
        } else {
            windowReopened();
        }
        return true;
    }

    /** The package windows may have reopened: tell the pipeline first, then send what waited. */
    void windowReopened() {
        if (state != State.OPEN) {
            return;
        }
        updateWritability();
        ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
        if (buffer != null && !buffer.isEmpty()) {
            unsafe().flush();
        }
    }

    /** RELAY_END for this stream (tor-spec §6.3). */
    void endReceived(int reason) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPENING) {
            endSent = true; // the peer has forgotten the stream already
            fail(new StreamRefusedException(remote.target(), reason), false);
            return;
        }
        if (reason != EndReason.DONE.code() && reason != EndReason.MISC.code()) {
            endSent = true;
            fail(new StreamResetException(streamId, reason), false);
            return;
        }
        inputEnded = true;
        if (inbound.isEmpty() && !delivering) {
            inputEndedAndDrained();
        }
    }

    private void inputEndedAndDrained() {
        if (config.isAllowHalfClosure()) {
            if (!inputShutdown) {
                inputShutdown = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
            if (outputShutdown && isOpen()) {
                close();
            }
        } else {
            close();
        }
    }

    /** The circuit closed under the stream. */
    void circuitLost(CircuitLostException why) {
        endSent = true;
        fail(why, false);
    }

    /**
     * Ends the stream for {@code why}: a pending open fails with it, an open stream reports it through
     * {@code exceptionCaught}; then the channel closes, sending END with TORPROTOCOL if {@code sendEnd}.
     */
    private void fail(OnionStreamException why, boolean sendEnd) {
        if (state == State.CLOSED) {
            return;
        }
        closeCause = why;
        if (sendEnd && !endSent) {
            endSent = true;
            streams.sendEnd(streamId, why.endReasonCode() > 0 ? why.endReasonCode() : EndReason.TORPROTOCOL.code());
        }
        if (state == State.OPENING) {
            connectPromise.tryFailure(why);
        } else {
            pipeline().fireExceptionCaught(why);
        }
        close();
    }

    @Override
    protected void doBeginRead() {
        if (state == State.CLOSED) {
            return;
        }
        if (inbound.isEmpty() || delivering) {
            readPending = true;
            return;
        }
        deliver();
    }

    /** Hands the queued cells to the pipeline, then acknowledges them with stream SENDMEs. */
    private void deliver() {
        delivering = true;
        int cells = 0;
        try {
            RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
            handle.reset(config);
            ByteBuf buffer;
            while ((buffer = inbound.pollFirst()) != null) {
                cells++;
                handle.incMessagesRead(1);
                handle.lastBytesRead(buffer.readableBytes());
                pipeline().fireChannelRead(buffer);
                if (state == State.CLOSED) {
                    break;
                }
            }
            handle.readComplete();
            pipeline().fireChannelReadComplete();
        } finally {
            delivering = false;
            streams.cellsConsumed(cells);
        }
        if (state == State.CLOSED) {
            return;
        }
        acknowledge(cells);
        if (inputEnded && inbound.isEmpty()) {
            inputEndedAndDrained();
        } else if (readPending && !inbound.isEmpty()) {
            readPending = false;
            deliver();
        }
    }

    private void acknowledge(int cells) {
        int sendmes = window.consumed(cells);
        if (sendmes > 0) {
            streams.sendStreamSendmes(streamId, sendmes);
        }
        StreamFlow xon = window.drained(inbound.size());
        if (xon != null) {
            streams.sendFlow(streamId, xon);
        }
    }

    // ---- outbound (on the event loop) ----

    @Override
    protected Object filterOutboundMessage(Object msg) throws Exception {
        if (!(msg instanceof ByteBuf)) {
            throw new UnsupportedOperationException("a stream carries ByteBufs, not " + msg.getClass().getName());
        }
        if (outputShutdown) {
            throw new ChannelOutputShutdownException("stream " + streamId + " output is shut down");
        }
        return msg;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        boolean sent = false;
        try {
            while (in.current() != null) {
                if (!window.canPackage() || !streams.canPackage()) {
                    break;
                }
                ByteBuf chunk = nextChunk(in);
                if (chunk == null) {
                    continue;
                }
                window.packaged();
                streams.sendData(streamId, new Data(chunk));
                sent = true;
                // Only now: removing the bytes completes their write promises, whose listeners may close the
                // stream at once (writeAndFlush(...).addListener(CLOSE)); END must follow this DATA, not pass it.
                in.removeBytes(chunk.readableBytes());
            }
        } finally {
            if (sent) {
                streams.flush();
            }
        }
        updateWritability();
        if (in.isEmpty() && shutdownOutputPromise != null) {
            sendEndForShutdown();
        }
    }

    /**
     * Up to 498 bytes from the flushed messages, left in the buffer (the caller removes them once sent): a
     * slice of the first if it has that much, else a copy gathered from as many as fit (so byte-at-a-time
     * writes flushed together share cells).
     */
    private ByteBuf nextChunk(ChannelOutboundBuffer in) throws Exception {
        ByteBuf first = (ByteBuf) in.current();
        int readable = first.readableBytes();
        if (readable == 0) {
            in.remove();
            return null;
        }
        if (readable >= Data.MAX_LENGTH || in.size() == 1) {
            return first.retainedSlice(first.readerIndex(), Math.min(readable, Data.MAX_LENGTH));
        }
        ByteBuf chunk = alloc().buffer(Data.MAX_LENGTH);
        in.forEachFlushedMessage(message -> {
            ByteBuf next = (ByteBuf) message;
            chunk.writeBytes(next, next.readerIndex(), Math.min(chunk.writableBytes(), next.readableBytes()));
            return chunk.isWritable();
        });
        return chunk;
    }

    /** Maps exhausted package windows (stream or circuit) to writability bit 1. */
    void updateWritability() {
        boolean blocked = !window.canPackage() || !streams.canPackage();
        ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
        if (blocked != windowBlocked && buffer != null) {
            windowBlocked = blocked;
            buffer.setUserDefinedWritability(WINDOW_WRITABILITY_BIT, !blocked);
        }
    }

    /** True while the stream's own package window (not the circuit's) is exhausted. */
    boolean streamWindowExhausted() {
        return !window.canPackage();
    }

    // ---- half-close and close ----

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !isOpen();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || !isOpen();
    }

    @Override
    public boolean isShutdown() {
        return isInputShutdown() && isOutputShutdown();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    /**
     * Sends RELAY_END (DONE, or MISC from the originator, tor-spec §6.3) once the data written so far
     * has gone out; later writes fail. The promise completes when END is sent.
     */
    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        if (eventLoop().inEventLoop()) {
            shutdownOutput0(promise);
        } else {
            eventLoop().execute(() -> shutdownOutput0(promise));
        }
        return promise;
    }

    private void shutdownOutput0(ChannelPromise promise) {
        if (state != State.OPEN) {
            promise.setFailure(new ClosedChannelException());
            return;
        }
        if (outputShutdown) {
            if (shutdownOutputPromise != null) {
                shutdownOutputPromise.addListener(done -> promise.setSuccess());
            } else {
                promise.setSuccess();
            }
            return;
        }
        outputShutdown = true;
        shutdownOutputPromise = promise;
        ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
        if (buffer == null || buffer.isEmpty()) {
            sendEndForShutdown();
        } else {
            unsafe().flush(); // END goes once doWrite has drained the buffer
        }
    }

    private void sendEndForShutdown() {
        ChannelPromise promise = shutdownOutputPromise;
        shutdownOutputPromise = null;
        if (!endSent) {
            endSent = true;
            streams.sendEnd(streamId, orderlyEndReason());
        }
        promise.trySuccess();
        if (inputShutdown && inputEnded) {
            close();
        }
    }

    /** tor-spec §6.3: "Tors SHOULD NOT send any reason except REASON_MISC for a stream that they have originated." */
    private int orderlyEndReason() {
        return originator ? EndReason.MISC.code() : EndReason.DONE.code();
    }

    /** Stops delivering data; what arrives later is dropped (and still acknowledged, so the circuit flows). */
    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        eventLoop().execute(() -> {
            if (!inputShutdown) {
                inputShutdown = true;
                int dropped = inbound.size();
                inbound.forEach(ReferenceCountUtil::safeRelease);
                inbound.clear();
                streams.cellsConsumed(dropped);
                if (state == State.OPEN) {
                    acknowledge(dropped);
                }
            }
            promise.trySuccess();
        });
        return promise;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        ChannelFuture input = shutdownInput();
        output.addListener(o -> input.addListener(i -> {
            if (!o.isSuccess()) {
                promise.tryFailure(o.cause());
            } else if (!i.isSuccess()) {
                promise.tryFailure(i.cause());
            } else {
                promise.trySuccess();
            }
        }));
        return promise;
    }

    @Override
    protected void doClose() {
        State before = state;
        state = State.CLOSED;
        cancelConnectTimeout();
        if (before != State.CLOSED && !endSent) {
            endSent = true;
            streams.sendEnd(streamId, orderlyEndReason());
        }
        int dropped = inbound.size();
        inbound.forEach(ReferenceCountUtil::safeRelease);
        inbound.clear();
        streams.cellsConsumed(dropped);
        if (connectPromise != null && !connectPromise.isDone()) {
            connectPromise.tryFailure(closeCause != null ? closeCause : new ClosedChannelException());
        }
        if (shutdownOutputPromise != null) {
            shutdownOutputPromise.tryFailure(new ClosedChannelException());
            shutdownOutputPromise = null;
        }
        streams.removed(this);
    }

    @Override
    public String toString() {
        return "OnionStreamChannel[" + streamId + ", " + state + ", " + remote.target() + "]";
    }
}
