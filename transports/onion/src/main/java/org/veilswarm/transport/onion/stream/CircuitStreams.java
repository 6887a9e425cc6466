package org.veilswarm.transport.onion.stream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.veilswarm.transport.onion.cell.Begin;
import org.veilswarm.transport.onion.cell.BeginDir;
import org.veilswarm.transport.onion.cell.Connected;
import org.veilswarm.transport.onion.cell.Data;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.End;
import org.veilswarm.transport.onion.cell.EndReason;
import org.veilswarm.transport.onion.cell.RelayMessage;
import org.veilswarm.transport.onion.cell.Sendme;
import org.veilswarm.transport.onion.cell.StreamFlow;
import org.veilswarm.transport.onion.circuit.CircuitClosedException;
import org.veilswarm.transport.onion.circuit.CircuitEdge;
import org.veilswarm.transport.onion.circuit.EdgeHandler;
import org.veilswarm.transport.onion.circuit.OnionRelay;
import org.veilswarm.transport.onion.circuit.OriginCircuit;

/**
 * The streams of one circuit edge (tor-spec §6, §7): opens streams (RELAY_BEGIN, RELAY_BEGIN_DIR),
 * accepts them through a {@link StreamAcceptor}, routes RELAY_DATA/END/CONNECTED/SENDME to the
 * {@link OnionStreamChannel}s, and keeps the circuit-level windows with authenticated SENDMEs
 * ({@link CircuitWindow}). Everything runs on the edge's event loop; {@link #open} may be called from
 * any thread.
 *
 * <p>A circuit-level SENDME owed for a 100th DATA cell goes out only while at most
 * {@link CircuitWindow#INBOUND_BUDGET} received cells wait unread in this edge's streams; otherwise it
 * waits until the readers consume them. So slow readers (auto-read off) make an edge buffer at most
 * that budget plus one circuit window (2,000 cells, under 1 MiB), not 500 cells per stream. The other
 * end may open at most {@value #MAX_ACCEPTED_STREAMS} streams on one edge. A protocol violation at
 * circuit level (a SENDME with a wrong digest, DATA beyond the window) destroys the circuit (§7.4).
 *
 * <p>That is the edge with {@link FlowControl#FIXED_WINDOWS}. With congestion control (proposal 324, agreed on by
 * both ends of a rendezvous circuit) the circuit window is a {@link CongestionWindow}, circuit SENDMEs leave as soon
 * as they are due, and each stream is paced by XON/XOFF ({@link XonXoffFlow}) instead of its own window.
 */
public final class CircuitStreams implements EdgeHandler {
    /** Open streams one edge keeps; more BEGINs get END RESOURCELIMIT, more opens fail. */
    public static final int MAX_STREAMS = 1024;
    /** Streams the other end may have open on one edge at once; more BEGINs get END RESOURCELIMIT. */
    static final int MAX_ACCEPTED_STREAMS = 64;

    private final CircuitEdge edge;
    private final StreamAcceptor acceptor;
    private final FlowControl flowControl;
    private final CircuitFlow window;
    private final Map<Integer, OnionStreamChannel> streams = new HashMap<>();
    private int nextStreamId = 1 + ThreadLocalRandom.current().nextInt(0xFFFF);
    private int resumeFrom;
    private int acceptedStreams;
    private boolean closed;

    CircuitStreams(CircuitEdge edge, StreamAcceptor acceptor) {
        this(edge, acceptor, FlowControl.FIXED_WINDOWS);
    }

    CircuitStreams(CircuitEdge edge, StreamAcceptor acceptor, FlowControl flowControl) {
        this.edge = Objects.requireNonNull(edge, "edge");
        this.acceptor = acceptor == null ? StreamAcceptor.NONE : acceptor;
        this.flowControl = Objects.requireNonNull(flowControl, "flowControl");
        this.window = flowControl.newCircuitFlow();
    }

    /**
     * Streams to hop {@code hop} of an origin circuit (the last hop: {@code circuit.hops() - 1}).
     * {@code acceptor} takes the streams the other end opens towards us (an onion service's
     * rendezvous circuit); {@link StreamAcceptor#NONE} for a plain client.
     */
    public static CircuitStreams attach(OriginCircuit circuit, int hop, StreamAcceptor acceptor) {
        return attach(circuit, hop, acceptor, FlowControl.FIXED_WINDOWS);
    }

    /** As {@link #attach(OriginCircuit, int, StreamAcceptor)}, with the flow control both ends agreed on. */
    public static CircuitStreams attach(OriginCircuit circuit, int hop, StreamAcceptor acceptor, FlowControl flowControl) {
        CircuitStreams streams = new CircuitStreams(circuit.edge(hop), acceptor, flowControl);
        circuit.attachEdge(hop, streams);
        return streams;
    }

    /** Streams to the last hop of {@code circuit}, accepting none. */
    public static CircuitStreams attach(OriginCircuit circuit) {
        return attach(circuit, circuit.hops() - 1, StreamAcceptor.NONE);
    }

    /**
     * Lets streams end at {@code relay}: each of its hops that receives a stream message gets a
     * {@code CircuitStreams} taking streams through {@code acceptor} (e.g. {@link LocalServices}).
     */
    public static void acceptOn(OnionRelay relay, StreamAcceptor acceptor) {
        Objects.requireNonNull(acceptor, "acceptor");
        relay.acceptStreams(edge -> new CircuitStreams(edge, acceptor));
    }

    public CircuitEdge edge() {
        return edge;
    }

    EventLoop eventLoop() {
        return edge.eventLoop();
    }

    /** Streams open or opening on this edge (read it on the edge's event loop for an exact value). */
    public int size() {
        return streams.size();
    }

    /** The circuit package window (for tests and monitoring; read on the edge's event loop). */
    int circuitPackageWindow() {
        return window.packageWindow();
    }

    /** How this edge's streams are flow-controlled. */
    public FlowControl flowControl() {
        return flowControl;
    }

    /**
     * The circuit-level flow control's state in words, for monitoring and benchmarks (call on the edge's event
     * loop): the package window, or the congestion window with its round trips.
     */
    public String flowState() {
        return window instanceof CircuitWindow fixed ? "fixed windows, circuit package window " + fixed.packageWindow()
                : window.toString();
    }

    /** The circuit-level flow control (for tests and monitoring; read on the edge's event loop). */
    CircuitFlow circuitFlow() {
        return window;
    }

    StreamFlowControl newStreamFlow() {
        return flowControl.newStreamFlow();
    }

    /**
     * Opens a stream with RELAY_BEGIN to {@code address:port} (tor-spec §6.2). {@code handler} is added
     * to the stream's pipeline at once (typically a {@code ChannelInitializer}); {@code channelActive}
     * fires on RELAY_CONNECTED.
     *
     * @return completes with the open stream, or fails with {@link StreamRefusedException},
     *     {@link CircuitLostException}, {@link StreamConnectTimeoutException} (30 s by default, the
     *     channel's connect timeout option)
     */
    public Future<OnionStreamChannel> open(String address, int port, ChannelHandler handler) {
        Begin begin = new Begin(address, port, 0);
        return open(begin, address + ":" + port, handler);
    }

    /** Opens a directory stream with RELAY_BEGIN_DIR (tor-spec §6.2) to this edge's hop. */
    public Future<OnionStreamChannel> openDirectory(ChannelHandler handler) {
        return open(BeginDir.INSTANCE, "BEGIN_DIR", handler);
    }

    private Future<OnionStreamChannel> open(RelayMessage begin, String target, ChannelHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Promise<OnionStreamChannel> promise = eventLoop().newPromise();
        try {
            eventLoop().execute(() -> open0(begin, target, handler, promise));
        } catch (RejectedExecutionException e) {
            promise.tryFailure(e);
        }
        return promise;
    }

    private void open0(RelayMessage begin, String target, ChannelHandler handler, Promise<OnionStreamChannel> promise) {
        if (closed || !edge.isOpen()) {
            promise.tryFailure(new CircuitLostException(0, edge.whenClosed().getNow() != null ? edge.whenClosed().getNow()
                    : new CircuitClosedException(DestroyReason.NONE.code(), "circuit closed")));
            return;
        }
        int id = allocateStreamId();
        if (id == 0) {
            promise.tryFailure(new StreamRefusedException(target, EndReason.RESOURCELIMIT.code()));
            return;
        }
        OnionStreamChannel channel = new OnionStreamChannel(this, id, true, target);
        channel.pipeline().addLast(handler);
        streams.put(id, channel);
        eventLoop().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                streams.remove(id, channel);
                promise.tryFailure(registered.cause());
                return;
            }
            channel.awaitConnected(promise, target);
            try {
                edge.send(id, begin, false);
                edge.flush();
            } catch (CircuitClosedException e) {
                channel.circuitLost(new CircuitLostException(id, e));
            }
        });
    }

    /** §6.2: a stream ID is non-zero and not in use on the circuit; 0 if all are taken. */
    private int allocateStreamId() {
        if (streams.size() >= MAX_STREAMS) {
            return 0;
        }
        while (true) {
            int id = nextStreamId;
            nextStreamId = nextStreamId == 0xFFFF ? 1 : nextStreamId + 1;
            if (!streams.containsKey(id)) {
                return id;
            }
        }
    }

    // ---- EdgeHandler ----

    @Override
    public void message(int streamId, RelayMessage message) {
        if (closed) {
            io.netty.util.ReferenceCountUtil.release(message);
            return;
        }
        if (streamId == 0 && !(message instanceof Sendme)) {
            // tor-spec §6.1: stream ID 0 is for the whole circuit; a stream message on it is a violation.
            io.netty.util.ReferenceCountUtil.release(message);
            edge.destroy(DestroyReason.PROTOCOL);
            return;
        }
        if (message instanceof Data data) {
            onData(streamId, data);
        } else if (message instanceof Sendme sendme) {
            onSendme(streamId, sendme);
        } else if (message instanceof End end) {
            OnionStreamChannel stream = streams.get(streamId);
            if (stream != null) {
                stream.endReceived(end.reasonCode());
            }
        } else if (message instanceof Connected) {
            OnionStreamChannel stream = streams.get(streamId);
            if (stream != null) {
                stream.connected();
            }
        } else if (message instanceof StreamFlow flow) {
            OnionStreamChannel stream = streams.get(streamId);
            if (stream != null && !stream.flowReceived(flow)) {
                edge.destroy(DestroyReason.PROTOCOL); // proposal 324 §4.1.4: an XOFF too early closes the circuit
            }
        } else if (message instanceof Begin begin) {
            accept(streamId, new StreamRequest(StreamRequest.Kind.BEGIN, begin.address(), begin.port(), begin.flags()));
        } else if (message instanceof BeginDir) {
            accept(streamId, StreamRequest.directory());
        } else {
            io.netty.util.ReferenceCountUtil.release(message); // RESOLVE, ...: not supported, ignored
        }
    }

    private void onData(int streamId, Data data) {
        boolean sendmeDue;
        try {
            sendmeDue = window.dataReceived();
        } catch (StreamProtocolException e) {
            data.release();
            edge.destroy(DestroyReason.PROTOCOL);
            return;
        }
        if (sendmeDue) {
            // §7.4: the SENDME carries the digest of the cell that made it due, i.e. this one.
            window.sendmeOwed(edge.lastReceivedDigest());
            sendOwedSendmes();
        }
        OnionStreamChannel stream = streams.get(streamId);
        if (stream == null) {
            data.release(); // a stream closed here while the peer was still sending
            cellsConsumed(1);
        } else {
            stream.dataReceived(data);
        }
    }

    private void onSendme(int streamId, Sendme sendme) {
        if (streamId != 0) {
            OnionStreamChannel stream = streams.get(streamId);
            if (stream != null) {
                stream.sendmeReceived();
            }
            return;
        }
        try {
            window.sendmeReceived(sendme);
        } catch (StreamProtocolException e) {
            edge.destroy(DestroyReason.PROTOCOL); // §7.4: "the circuit MUST be closed"
            return;
        }
        resumeStreams();
    }

    /** The circuit window reopened: every stream may send again, starting from a rotating one for fairness. */
    private void resumeStreams() {
        List<OnionStreamChannel> all = new ArrayList<>(streams.values());
        int n = all.size();
        if (n == 0) {
            return;
        }
        int start = Math.floorMod(resumeFrom++, n);
        for (int i = 0; i < n && window.canPackage(); i++) {
            all.get((start + i) % n).windowReopened();
        }
        if (!window.canPackage()) {
            for (OnionStreamChannel stream : all) {
                stream.updateWritability();
            }
        }
    }

    private void accept(int streamId, StreamRequest request) {
        int refusal = request.kind() == StreamRequest.Kind.BEGIN_DIR ? EndReason.NOTDIRECTORY.code()
                : EndReason.EXITPOLICY.code();
        if (streams.containsKey(streamId)) {
            edge.destroy(DestroyReason.PROTOCOL); // BEGIN on a stream ID in use
            return;
        }
        if (streams.size() >= MAX_STREAMS || acceptedStreams >= MAX_ACCEPTED_STREAMS) {
            sendEnd(streamId, EndReason.RESOURCELIMIT.code());
            return;
        }
        ChannelHandler handler;
        try {
            handler = acceptor.accept(request);
        } catch (RuntimeException e) {
            sendEnd(streamId, EndReason.INTERNAL.code());
            return;
        }
        if (handler == null) {
            sendEnd(streamId, refusal);
            return;
        }
        // §6.2: onion services and directory streams answer with an empty CONNECTED.
        if (!send(streamId, Connected.EMPTY)) {
            return;
        }
        edge.flush();
        OnionStreamChannel channel = new OnionStreamChannel(this, streamId, false, request.toString());
        channel.pipeline().addLast(handler);
        streams.put(streamId, channel);
        acceptedStreams++;
        eventLoop().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                removed(channel);
                sendEnd(streamId, EndReason.INTERNAL.code());
            }
        });
    }

    @Override
    public void closed(CircuitClosedException why) {
        if (eventLoop().inEventLoop()) {
            closed0(why);
        } else {
            try {
                eventLoop().execute(() -> closed0(why));
            } catch (RejectedExecutionException e) {
                // the loop is shutting down: its channels go with it
            }
        }
    }

    private void closed0(CircuitClosedException why) {
        if (closed) {
            return;
        }
        closed = true;
        for (OnionStreamChannel stream : new ArrayList<>(streams.values())) {
            stream.circuitLost(new CircuitLostException(stream.streamId(), why));
        }
        streams.clear();
    }

    // ---- used by the channels ----

    boolean canPackage() {
        return window.canPackage();
    }

    /** Sends one DATA cell of a stream (the caller checked {@link #canPackage()}); releases it. */
    void sendData(int streamId, Data data) throws CircuitLostException {
        try {
            byte[] digest = edge.send(streamId, data, window.nextNeedsDigest());
            window.packaged(digest);
        } catch (CircuitClosedException e) {
            throw new CircuitLostException(streamId, e);
        } finally {
            data.release();
        }
        if (!window.canPackage()) {
            for (OnionStreamChannel stream : streams.values()) {
                if (stream.streamId() != streamId) {
                    stream.updateWritability();
                }
            }
        }
    }

    /** An XON or XOFF for a stream, flushed: the other end waits for it. */
    void sendFlow(int streamId, StreamFlow message) {
        if (send(streamId, message)) {
            edge.flush();
        }
    }

    void sendStreamSendmes(int streamId, int count) {
        for (int i = 0; i < count; i++) {
            if (!send(streamId, Sendme.UNAUTHENTICATED)) {
                return;
            }
        }
        edge.flush();
    }

    /** RELAY_END, flushed: it is the last cell of the stream and nothing may follow to flush it. */
    void sendEnd(int streamId, int reason) {
        if (send(streamId, new End(reason))) {
            edge.flush();
        }
    }

    void flush() {
        edge.flush();
    }

    /**
     * {@code cells} received DATA cells left a stream (read by its pipeline, or dropped): circuit
     * SENDMEs held back for slow readers may go out now.
     */
    void cellsConsumed(int cells) {
        if (cells > 0) {
            window.consumed(cells);
            sendOwedSendmes();
        }
    }

    /** Received DATA cells waiting unread in this edge's streams (read on the edge's event loop). */
    int unconsumedCells() {
        return window.unconsumed();
    }

    private void sendOwedSendmes() {
        boolean sent = false;
        byte[] digest;
        while ((digest = window.nextSendme()) != null) {
            if (!send(0, Sendme.authenticated(digest))) {
                return;
            }
            sent = true;
        }
        if (sent) {
            edge.flush();
        }
    }

    /** False if the circuit is closed (the streams learn it from {@link #closed}). */
    private boolean send(int streamId, RelayMessage message) {
        try {
            edge.send(streamId, message, false);
            return true;
        } catch (CircuitClosedException e) {
            return false;
        }
    }

    void removed(OnionStreamChannel stream) {
        if (streams.remove(stream.streamId(), stream) && !stream.isOriginator()) {
            acceptedStreams--;
        }
    }

    @Override
    public String toString() {
        return "CircuitStreams[" + edge + ", " + streams.size() + " streams]";
    }
}
