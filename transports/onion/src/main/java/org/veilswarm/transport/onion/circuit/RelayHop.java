package org.veilswarm.transport.onion.circuit;

import io.netty.buffer.ByteBuf;
import org.veilswarm.transport.onion.cell.Begin;
import org.veilswarm.transport.onion.cell.BeginDir;
import org.veilswarm.transport.onion.cell.CellFormat;
import org.veilswarm.transport.onion.cell.Create2;
import org.veilswarm.transport.onion.cell.Created2;
import org.veilswarm.transport.onion.cell.Data;
import org.veilswarm.transport.onion.cell.Destroy;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.End;
import org.veilswarm.transport.onion.cell.EndReason;
import org.veilswarm.transport.onion.cell.Extend2;
import org.veilswarm.transport.onion.cell.Extended2;
import org.veilswarm.transport.onion.cell.Relay;
import org.veilswarm.transport.onion.cell.RelayCell;
import org.veilswarm.transport.onion.cell.RelayEnvelope;
import org.veilswarm.transport.onion.cell.RelayMessage;
import org.veilswarm.transport.onion.cell.RelayMessageFormatException;
import org.veilswarm.transport.onion.cell.RelayPadding;
import org.veilswarm.transport.onion.cell.RelayPayloadCodec;
import org.veilswarm.transport.onion.cell.Sendme;
import org.veilswarm.transport.onion.crypto.RelayCircuitCrypto;

/**
 * This relay's hop of a circuit: the half towards the client ("previous", registered in that link's
 * table) and, once extended, the half towards the next relay ({@link Onward}, registered in the next
 * link's table). Forward cells arrive on the previous link's event loop, backward ones on the next
 * link's (or, at a rendezvous point, on the joined circuit's).
 *
 * <p>Every cell towards the client is sealed with the backward layer and written on the previous link's
 * event loop, in one step: the client's backward crypto (AES-CTR and the running digest, tor-spec §5.5.3)
 * needs the cells in the order they were sealed, and only sealing and writing on the thread that owns the
 * link guarantees that. Cells from another loop wait in {@link #backlog}, drained by one task per burst
 * (one flush for all of them); cells sealed on the owning loop first drain what waits.
 */
final class RelayHop implements CircuitEnd {
    private static final int CELL_BYTES = CellFormat.CELL_LEN;

    private final OnionRelay relay;
    private final CircuitTable previous;
    private final int previousId;
    private final RelayCircuitCrypto crypto;
    private final Object backwardLock = new Object();
    private volatile Onward onward;
    private volatile boolean closed;
    private boolean extending;
    private int relayEarlySeen;
    /** The stream layer at this hop, made on the first stream message (only on the previous link's loop). */
    private volatile EdgeHandler streams;
    private volatile HopEdge edge;
    /** KH of the CREATE2 handshake (tor-spec §5.2.2), for onion-service control messages. */
    private final byte[] handshakeNonce;
    private volatile Control control;
    /** The circuit this one is joined with at a rendezvous point (rend-spec-v3 §3.3), or null. */
    private volatile RelayHop joined;
    /** Backward cells handed over by other loops, to seal and write on the previous link's loop in this order. */
    private final java.util.Queue<Backward> backlog = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();

    /** A cell towards the client: one to add our layer to ({@code relayed}), or a payload this hop originates. */
    private record Backward(RelayCell relayed, ByteBuf originated) {
        void release() {
            if (relayed != null) {
                relayed.release();
            } else {
                originated.release();
            }
        }
    }

    RelayHop(OnionRelay relay, CircuitTable previous, int previousId, RelayCircuitCrypto crypto, byte[] handshakeNonce) {
        this.relay = relay;
        this.previous = previous;
        this.previousId = previousId;
        this.crypto = crypto;
        this.handshakeNonce = handshakeNonce;
    }

    /** The other half: this circuit on the link to the next relay. */
    private final class Onward implements CircuitEnd {
        final CircuitTable table;
        volatile int circuitId;
        volatile boolean created;

        Onward(CircuitTable table) {
            this.table = table;
        }

        @Override
        public void created2(Created2 cell) {
            if (created || closed) {
                teardown(DestroyReason.PROTOCOL, DestroyReason.PROTOCOL);
                return;
            }
            created = true;
            // §5.1.2: the CREATED2 body goes back to the client as EXTENDED2.
            originate(0, new Extended2(cell.handshakeData()));
        }

        @Override
        public void relay(RelayCell cell) {
            if (!created || closed) {
                cell.release();
                return;
            }
            relay.traffic().relayed(CELL_BYTES);
            sendBackward(table, cell);
        }

        @Override
        public void destroyed(int reasonCode) {
            onward = null;
            teardown(DestroyReason.DESTROYED, null);
        }

        @Override
        public void linkClosed() {
            onward = null;
            teardown(DestroyReason.CHANNEL_CLOSED, null);
        }
    }

    @Override
    public void created2(Created2 cell) {
        teardown(DestroyReason.PROTOCOL, DestroyReason.PROTOCOL); // CREATED2 never travels towards a relay
    }

    @Override
    public void relay(RelayCell cell) {
        if (closed) {
            cell.release();
            return;
        }
        if (cell.isEarly() && ++relayEarlySeen > CircuitSettings.MAX_RELAY_EARLY) {
            // §5.6: "more than MAX_RELAY_EARLY RELAY_EARLY cells on a circuit" closes it.
            cell.release();
            relay.refused();
            teardown(DestroyReason.PROTOCOL, DestroyReason.DESTROYED);
            return;
        }
        if (!crypto.decryptForward(cell)) {
            RelayHop partner = joined;
            if (partner != null) {
                relay.traffic().relayed(CELL_BYTES);
                partner.sendBackward(previous, cell); // rend-spec-v3 §3.3: on with the partner's backward layer
                return;
            }
            Onward next = onward;
            if (next == null || !next.created) {
                // §5.5.2.2: not recognized at the last hop: the circuit must be closed.
                cell.release();
                teardown(DestroyReason.PROTOCOL, DestroyReason.DESTROYED);
                return;
            }
            relay.traffic().relayed(CELL_BYTES);
            previous.relayTo(next.table, cell.with(next.circuitId, cell.content())); // same buffer, next circuit ID
            return;
        }
        relay.traffic().own(CELL_BYTES);
        RelayEnvelope envelope;
        boolean early = cell.isEarly();
        try {
            envelope = RelayPayloadCodec.decode(cell);
        } catch (RelayMessageFormatException e) {
            teardown(DestroyReason.PROTOCOL, DestroyReason.DESTROYED);
            return;
        } finally {
            cell.release();
        }
        relay.recognized(envelope.message().commandCode());
        handle(envelope, early);
    }

    private void handle(RelayEnvelope envelope, boolean early) {
        RelayMessage message = envelope.message();
        if (message instanceof Extend2 extend) {
            if (!early || onward != null || extending) {
                // §5.6: EXTEND2 must come in RELAY_EARLY; and a hop extends once.
                relay.refused();
                teardown(DestroyReason.PROTOCOL, DestroyReason.DESTROYED);
                return;
            }
            extending = true;
            relay.extend(this, extend);
        } else if (envelope.streamId() != 0 || message instanceof Sendme) {
            EdgeHandler handler = streams();
            if (handler != null) {
                handler.message(envelope.streamId(), message);
            } else {
                refuseStream(envelope);
            }
        } else {
            ControlMessageHandler handler = relay.controlHandler();
            if (handler == null || !handler.handle(control(), message)) {
                // DROP and everything else: long-range padding or not understood here, "dropped and ignored" (§6.1).
                if (message instanceof io.netty.util.ReferenceCounted counted) {
                    counted.release();
                }
            }
        }
    }

    private io.netty.channel.EventLoop previousLoop() {
        return previous.link().channel().eventLoop();
    }

    /**
     * A cell read from {@code source} (our next link, or the link of the circuit joined with this one) going
     * towards our client: §5.5.3.1, we add our backward layer. On the previous link's loop with nothing
     * waiting it is sealed and queued at once, flushed when {@code source}'s read batch ends; otherwise it
     * joins the backlog.
     */
    private void sendBackward(CircuitTable source, RelayCell cell) {
        if (previousLoop().inEventLoop() && backlog.isEmpty()) {
            synchronized (backwardLock) {
                if (closed) {
                    cell.release();
                    return;
                }
                crypto.encryptBackward(cell);
                source.relayTo(previous, new Relay(previousId, cell.content()));
            }
        } else {
            enqueue(new Backward(cell, null));
        }
    }

    private void enqueue(Backward item) {
        backlog.add(item);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                previousLoop().execute(this::drainBacklog);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                drainScheduled.set(false);
                Backward dropped;
                while ((dropped = backlog.poll()) != null) { // the link's loop is going away with the circuit
                    dropped.release();
                }
            }
        }
    }

    /** On the previous link's loop: seals and writes every waiting backward cell in order, then flushes once. */
    private void drainBacklog() {
        drainScheduled.set(false); // before polling: a cell added after the last poll schedules a new drain
        if (drainInLoop()) {
            previous.flush();
        }
    }

    /** Seals and queues the backlog (on the previous link's loop); whether anything was queued. */
    private boolean drainInLoop() {
        boolean queued = false;
        Backward item;
        while ((item = backlog.poll()) != null) {
            synchronized (backwardLock) {
                if (closed) {
                    item.release();
                    continue;
                }
                if (item.relayed() != null) {
                    crypto.encryptBackward(item.relayed());
                    previous.queue(new Relay(previousId, item.relayed().content()));
                } else {
                    crypto.originateBackward(item.originated());
                    previous.queue(new Relay(previousId, item.originated()));
                }
            }
            queued = true;
        }
        return queued;
    }

    private Control control() {
        Control made = control;
        if (made == null) {
            made = new Control();
            control = made;
            if (closed) {
                made.closedPromise.trySuccess(new CircuitClosedException(DestroyReason.NONE.code(), "circuit closed"));
            }
        }
        return made;
    }

    /** This hop for a {@link ControlMessageHandler}. */
    private final class Control implements HopControl {
        final io.netty.util.concurrent.Promise<CircuitClosedException> closedPromise =
                previous.link().channel().eventLoop().newPromise();

        @Override
        public io.netty.channel.EventLoop eventLoop() {
            return previous.link().channel().eventLoop();
        }

        @Override
        public byte[] handshakeNonce() {
            return handshakeNonce.clone();
        }

        /**
         * From any loop: a handler on another circuit's loop (an intro point forwarding INTRODUCE2, a
         * rendezvous point sending RENDEZVOUS2 right after the join) puts the cell in the backlog in the order
         * of the call, so it goes out before whatever that loop relays on this circuit afterwards.
         */
        @Override
        public void send(RelayMessage message) {
            originate(0, message);
        }

        @Override
        public void destroy(DestroyReason reason) {
            teardown(reason, DestroyReason.DESTROYED);
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public io.netty.util.concurrent.Future<CircuitClosedException> whenClosed() {
            return closedPromise;
        }

        @Override
        public boolean join(HopControl other) {
            if (!(other instanceof Control theirs) || theirs == this) {
                return false;
            }
            RelayHop mine = RelayHop.this;
            RelayHop partner = theirs.hop();
            synchronized (RelayHop.class) { // rare: one join per onion-service connection
                if (mine.closed || partner.closed || mine.joined != null || partner.joined != null
                        || mine.onward != null || partner.onward != null) {
                    return false;
                }
                mine.joined = partner;
                partner.joined = mine;
            }
            return true;
        }

        private RelayHop hop() {
            return RelayHop.this;
        }
    }

    /** The relay's stream layer for this hop, made on first use; null if the relay accepts no streams. */
    private EdgeHandler streams() {
        if (streams == null && !closed) {
            HopEdge made = new HopEdge();
            edge = made;
            streams = relay.newEdgeHandler(made);
            if (closed) { // torn down on the other loop meanwhile
                made.closed(new CircuitClosedException(DestroyReason.NONE.code(), "circuit closed at this relay"));
                if (streams != null) {
                    streams.closed(made.reason);
                }
            }
        }
        return streams;
    }

    /** Without a stream layer: no exits (DESIGN §4) and no directory (tor-spec §6.3 EXITPOLICY, NOTDIRECTORY). */
    private void refuseStream(RelayEnvelope envelope) {
        RelayMessage message = envelope.message();
        if (message instanceof Begin) {
            originate(envelope.streamId(), new End(EndReason.EXITPOLICY));
        } else if (message instanceof BeginDir) {
            originate(envelope.streamId(), new End(EndReason.NOTDIRECTORY));
        } else if (message instanceof Data data) {
            data.release();
        }
    }

    /** This hop as the edge of its circuit, for the relay's stream layer. */
    private final class HopEdge implements CircuitEdge {
        private final io.netty.util.concurrent.Promise<CircuitClosedException> closedPromise =
                previous.link().channel().eventLoop().newPromise();
        private volatile CircuitClosedException reason;

        void closed(CircuitClosedException why) {
            reason = why;
            closedPromise.trySuccess(why);
        }

        @Override
        public io.netty.channel.EventLoop eventLoop() {
            return previous.link().channel().eventLoop();
        }

        @Override
        public io.netty.buffer.ByteBufAllocator alloc() {
            return previous.link().channel().alloc();
        }

        @Override
        public byte[] send(int streamId, RelayMessage message, boolean wantDigest) throws CircuitClosedException {
            byte[] digest = originate(streamId, message, false, wantDigest);
            if (closed) {
                CircuitClosedException why = reason;
                throw why != null ? why : new CircuitClosedException(DestroyReason.NONE.code(), "circuit closed");
            }
            return digest;
        }

        @Override
        public void flush() {
            previous.flush();
        }

        @Override
        public byte[] lastReceivedDigest() {
            return crypto.lastReceivedDigest();
        }

        @Override
        public void destroy(DestroyReason why) {
            teardown(why, DestroyReason.DESTROYED);
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public io.netty.util.concurrent.Future<CircuitClosedException> whenClosed() {
            return closedPromise;
        }

        @Override
        public String toString() {
            return "RelayHop[" + Integer.toHexString(previousId) + " on " + previous.link() + "]";
        }
    }

    /** Seals and sends a message from this hop to the client. */
    void originate(int streamId, RelayMessage message) {
        originate(streamId, message, true, false);
    }

    /**
     * Off the previous link's loop (EXTENDED2 is answered on the next link's) the cell joins the backlog and
     * no digest can be returned; the stream layer, which wants digests, runs on the previous link's loop.
     *
     * @return the running digest of the sent cell if {@code wantDigest} (tor-spec §7.4), else null
     */
    private byte[] originate(int streamId, RelayMessage message, boolean flush, boolean wantDigest) {
        if (closed) {
            return null;
        }
        ByteBuf payload = RelayPayloadCodec.encode(streamId, message, previous.link().channel().alloc(), RelayPadding.RANDOM);
        relay.traffic().own(CELL_BYTES);
        if (!previousLoop().inEventLoop()) {
            if (wantDigest) {
                payload.release();
                throw new IllegalStateException("a cell whose digest is wanted must be sent on " + previousLoop());
            }
            enqueue(new Backward(null, payload));
            return null;
        }
        drainInLoop(); // what other loops handed over was sealed before this cell is
        synchronized (backwardLock) {
            if (closed) {
                payload.release();
                return null;
            }
            crypto.originateBackward(payload);
            Relay cell = new Relay(previousId, payload);
            if (flush) {
                previous.write(cell);
            } else {
                previous.queue(cell);
            }
            return wantDigest ? crypto.lastSentDigest() : null;
        }
    }

    /** Called once the link to the next relay is up: opens our half there with the client's handshake. */
    void connectOnward(CircuitTable next, Extend2 extend) {
        if (closed) {
            return;
        }
        Onward half = new Onward(next);
        int id;
        try {
            id = next.allocate(half);
        } catch (CircuitClosedException e) {
            teardown(DestroyReason.fromCode(e.reasonCode()).orElse(DestroyReason.INTERNAL), null);
            return;
        }
        half.circuitId = id;
        onward = half;
        if (closed) { // torn down while we registered
            next.remove(id, half);
            return;
        }
        next.write(new Create2(id, extend.handshakeType(), extend.handshakeData()));
    }

    void extendFailed(DestroyReason reason) {
        teardown(reason, null);
    }

    @Override
    public void destroyed(int reasonCode) {
        teardown(null, DestroyReason.DESTROYED); // §5.4: "use the DESTROYED reason for its next cell"
    }

    @Override
    public void linkClosed() {
        teardown(null, DestroyReason.CHANNEL_CLOSED);
    }

    private void notifyStreams(DestroyReason why) {
        HopEdge streamEdge = edge;
        if (streamEdge != null) {
            CircuitClosedException reason = new CircuitClosedException(why.code(), "circuit closed at this relay");
            streamEdge.closed(reason);
            EdgeHandler handler = streams;
            if (handler != null) {
                handler.closed(reason);
            }
        }
    }

    /**
     * Frees both halves; sends DESTROY with {@code towardsClient} on the previous link and with
     * {@code towardsNext} on the next one (null: that side already knows).
     */
    void teardown(DestroyReason towardsClient, DestroyReason towardsNext) {
        synchronized (backwardLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        notifyStreams(towardsClient != null ? towardsClient : towardsNext != null ? towardsNext : DestroyReason.NONE);
        Control controlled = control;
        if (controlled != null) {
            controlled.closedPromise.trySuccess(new CircuitClosedException(DestroyReason.NONE.code(), "circuit closed at this relay"));
        }
        RelayHop partner = joined;
        if (partner != null) {
            partner.teardown(DestroyReason.FINISHED, DestroyReason.FINISHED); // rend-spec-v3 §3.3: one half closes the other
        }
        relay.circuitClosed();
        previous.remove(previousId, this);
        if (towardsClient != null) {
            previous.write(new Destroy(previousId, towardsClient));
        }
        Onward next = onward;
        onward = null;
        if (next != null && next.circuitId != 0) {
            next.table.remove(next.circuitId, next);
            if (towardsNext != null) {
                next.table.write(new Destroy(next.circuitId, towardsNext));
            }
        }
    }
}
