package org.veilswarm.transport.onion.circuit;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.veilswarm.transport.onion.cell.Created2;
import org.veilswarm.transport.onion.cell.Destroy;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.Extend2;
import org.veilswarm.transport.onion.cell.Extended2;
import org.veilswarm.transport.onion.cell.HandshakeType;
import org.veilswarm.transport.onion.cell.LinkSpecifier;
import org.veilswarm.transport.onion.cell.Relay;
import org.veilswarm.transport.onion.cell.RelayCell;
import org.veilswarm.transport.onion.cell.RelayCommand;
import org.veilswarm.transport.onion.cell.RelayEarly;
import org.veilswarm.transport.onion.cell.RelayEnvelope;
import org.veilswarm.transport.onion.cell.RelayMessage;
import org.veilswarm.transport.onion.cell.RelayMessageFormatException;
import org.veilswarm.transport.onion.cell.RelayPadding;
import org.veilswarm.transport.onion.cell.RelayPayloadCodec;
import org.veilswarm.transport.onion.cell.Sendme;
import org.veilswarm.transport.onion.crypto.CircuitKeys;
import org.veilswarm.transport.onion.crypto.HandshakeFailedException;
import org.veilswarm.transport.onion.crypto.NtorClient;
import org.veilswarm.transport.onion.crypto.NtorPublicKey;
import org.veilswarm.transport.onion.crypto.OriginCircuitCrypto;
import org.veilswarm.transport.onion.crypto.UnrecognizedCellException;

/**
 * A circuit this node built (tor-spec §5.1, §5.3): one hop from {@link CircuitBuilder#create}, more
 * with {@link #extend(RelayTarget)}. Thread-safe (calls are serialized on the circuit). Messages from
 * the hops go to the {@link #onMessage handler}; once closed, every call fails with
 * {@link CircuitClosedException} and {@link #whenClosed()} completes.
 */
public final class OriginCircuit implements CircuitEnd {
    private final CircuitTable table;
    private final CircuitSettings settings;
    private final Promise<CircuitClosedException> closedPromise;
    private int circuitId;
    private OriginCircuitCrypto crypto;
    private NtorClient pendingHandshake;
    private Promise<OriginCircuit> pendingBuild;
    private ScheduledFuture<?> pendingTimeout;
    private int relayEarlySent;
    private CircuitClosedException closed;
    /** Stream layers attached per hop (tor-spec §6): they get that hop's stream messages. */
    private EdgeHandler[] edges = new EdgeHandler[0];
    /** KH of each hop's handshake (tor-spec §5.2.2), for onion-service cells (rend-spec-v3 §3.1.1). */
    private final List<byte[]> nonces = new ArrayList<>(3);
    private BiConsumer<Integer, RelayEnvelope> handler = (hop, envelope) -> {
        if (envelope.message() instanceof io.netty.util.ReferenceCounted counted) {
            counted.release();
        }
    };

    OriginCircuit(CircuitTable table, CircuitSettings settings) {
        this.table = table;
        this.settings = settings;
        this.closedPromise = table.link().channel().eventLoop().newPromise();
    }

    /** Registers in the table, sends CREATE2 and arms the build timeout. */
    synchronized Future<OriginCircuit> start(NtorPublicKey relay) {
        pendingBuild = table.link().channel().eventLoop().newPromise();
        try {
            circuitId = table.allocate(this);
        } catch (CircuitClosedException e) {
            closed = e;
            closedPromise.trySuccess(e);
            return pendingBuild.setFailure(e);
        }
        crypto = new OriginCircuitCrypto(circuitId);
        pendingHandshake = NtorClient.start(relay);
        armTimeout(0);
        table.write(new org.veilswarm.transport.onion.cell.Create2(circuitId, HandshakeType.NTOR,
                pendingHandshake.clientHandshake()));
        return pendingBuild;
    }

    private void armTimeout(int hop) {
        Promise<OriginCircuit> build = pendingBuild;
        pendingTimeout = table.link().channel().eventLoop().schedule(() -> buildTimedOut(build, hop),
                settings.buildTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private synchronized void buildTimedOut(Promise<OriginCircuit> build, int hop) {
        if (build == pendingBuild && !build.isDone()) {
            close(new CircuitBuildTimeoutException(hop, settings.buildTimeout()), DestroyReason.NONE);
        }
    }

    public int circuitId() {
        return circuitId;
    }

    public CircuitTable table() {
        return table;
    }

    /**
     * KH from hop {@code hop}'s handshake (tor-spec §5.2.2): the key of an ESTABLISH_INTRO's
     * HANDSHAKE_AUTH (rend-spec-v3 §3.1.1).
     */
    public synchronized byte[] handshakeNonce(int hop) {
        checkHop(hop);
        if (hop >= nonces.size()) {
            throw new IllegalArgumentException("hop " + hop + " is an end-to-end hop without a handshake nonce");
        }
        return nonces.get(hop).clone();
    }

    /**
     * Adds the virtual hop of a joined rendezvous circuit (rend-spec-v3 §3.3.1): the other end of an
     * onion-service connection, reached through the rendezvous point (the last hop) with AES-256-CTR
     * and SHA3-256 keys from hs-ntor. It becomes hop {@link #hops()} - 1; attach streams to it.
     *
     * @throws CircuitClosedException if the circuit is closed
     */
    public synchronized void addEndToEndHop(byte[] sendKey, byte[] sendDigestSeed, byte[] receiveKey,
            byte[] receiveDigestSeed) throws CircuitClosedException {
        if (closed != null) {
            throw closed;
        }
        if (pendingBuild != null && !pendingBuild.isDone()) {
            throw new IllegalStateException("a hop is being built");
        }
        crypto.addEndToEndHop(sendKey, sendDigestSeed, receiveKey, receiveDigestSeed);
    }

    /** Hops with keys. */
    public synchronized int hops() {
        return crypto == null ? 0 : crypto.hops();
    }

    public synchronized boolean isOpen() {
        return closed == null;
    }

    /** Completes (successfully, with the reason) when the circuit closes for any reason. */
    public Future<CircuitClosedException> whenClosed() {
        return closedPromise;
    }

    /**
     * Receives each relay message a hop sends us (hop index from 0, envelope), on the link's event
     * loop. The handler owns the message: release {@code Data}.
     */
    public synchronized void onMessage(BiConsumer<Integer, RelayEnvelope> handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Hop {@code hop} (0 = first) as an edge to send stream messages through; see {@link #attachEdge}. */
    public synchronized CircuitEdge edge(int hop) {
        checkHop(hop);
        return new HopEdge(hop);
    }

    private void checkHop(int hop) {
        if (hop < 0 || crypto == null || hop >= crypto.hops()) {
            throw new IndexOutOfBoundsException("hop " + hop + " of a circuit with " + hops() + " hops");
        }
    }

    /**
     * Attaches a stream layer to hop {@code hop}: from now on that hop's stream messages (non-zero
     * stream ID, and circuit-level SENDMEs) go to {@code handler} instead of the
     * {@link #onMessage message handler}, and it is told when the circuit closes (at once if it is
     * closed already).
     *
     * @throws IllegalStateException if a handler is attached to that hop already
     */
    public synchronized void attachEdge(int hop, EdgeHandler handler) {
        Objects.requireNonNull(handler, "handler");
        checkHop(hop);
        if (hop >= edges.length) {
            edges = java.util.Arrays.copyOf(edges, hop + 1);
        }
        if (edges[hop] != null) {
            throw new IllegalStateException("hop " + hop + " has a stream layer already");
        }
        edges[hop] = handler;
        if (closed != null) {
            handler.closed(closed);
        }
    }

    /** Hop {@code hop} of this circuit as a stream edge. */
    private final class HopEdge implements CircuitEdge {
        private final int hop;

        HopEdge(int hop) {
            this.hop = hop;
        }

        @Override
        public io.netty.channel.EventLoop eventLoop() {
            return table.link().channel().eventLoop();
        }

        @Override
        public io.netty.buffer.ByteBufAllocator alloc() {
            return table.link().channel().alloc();
        }

        @Override
        public byte[] send(int streamId, RelayMessage message, boolean wantDigest) throws CircuitClosedException {
            synchronized (OriginCircuit.this) {
                if (closed != null) {
                    throw closed;
                }
                sendCell(hop, streamId, message, false, false);
                return wantDigest ? crypto.lastSentDigest(hop) : null;
            }
        }

        @Override
        public void flush() {
            table.flush();
        }

        @Override
        public byte[] lastReceivedDigest() {
            synchronized (OriginCircuit.this) {
                return crypto.lastReceivedDigest(hop);
            }
        }

        @Override
        public void destroy(DestroyReason reason) {
            synchronized (OriginCircuit.this) {
                // §5.4: an OP sends NONE; the reason stays local.
                close(new CircuitClosedException(reason.code(), "closed by the stream layer at hop " + hop),
                        DestroyReason.NONE);
            }
        }

        @Override
        public boolean isOpen() {
            return OriginCircuit.this.isOpen();
        }

        @Override
        public Future<CircuitClosedException> whenClosed() {
            return closedPromise;
        }

        @Override
        public String toString() {
            return OriginCircuit.this + " hop " + hop;
        }
    }

    /**
     * Extends the circuit by one hop: EXTEND2 to the last hop, in a RELAY_EARLY cell (§5.6).
     *
     * @return completes with this circuit when EXTENDED2 arrived, or fails with
     *     {@link CircuitClosedException} (the circuit is then destroyed)
     */
    public synchronized Future<OriginCircuit> extend(RelayTarget target) {
        Promise<OriginCircuit> build = table.link().channel().eventLoop().newPromise();
        if (closed != null) {
            return build.setFailure(closed);
        }
        if (pendingBuild != null && !pendingBuild.isDone()) {
            return build.setFailure(new IllegalStateException("a hop is being built already"));
        }
        if (relayEarlySent >= CircuitSettings.MAX_RELAY_EARLY) {
            return build.setFailure(new IllegalStateException("no RELAY_EARLY cells left for EXTEND2 (§5.6)"));
        }
        NtorClient handshake = NtorClient.start(new NtorPublicKey(NtorIdentity.of(target.identity()),
                target.ntorOnionKey()));
        List<LinkSpecifier> specifiers = new ArrayList<>(2);
        if (target.address().getAddress() instanceof java.net.Inet4Address v4) {
            specifiers.add(new LinkSpecifier.Ipv4(v4, target.address().getPort()));
        } else {
            specifiers.add(new LinkSpecifier.Ipv6((java.net.Inet6Address) target.address().getAddress(),
                    target.address().getPort()));
        }
        specifiers.add(new LinkSpecifier.Ed25519Id(target.identity()));
        pendingHandshake = handshake;
        pendingBuild = build;
        armTimeout(crypto.hops());
        sendCell(crypto.hops() - 1, 0, new Extend2(specifiers, HandshakeType.NTOR, handshake.clientHandshake()), true, true);
        return build;
    }

    /**
     * Sends {@code message} on {@code streamId} to hop {@code hop} (0 = first) in a RELAY cell.
     *
     * @throws CircuitClosedException if the circuit is closed
     */
    public synchronized void send(int hop, int streamId, RelayMessage message) throws CircuitClosedException {
        if (closed != null) {
            throw closed;
        }
        sendCell(hop, streamId, message, false, true);
    }

    /** Without the client-side RELAY_EARLY budget check: lets tests see what relays do with a 9th. */
    synchronized void sendUnchecked(int hop, int streamId, RelayMessage message, boolean early) {
        sendCell(hop, streamId, message, early, true);
    }

    private void sendCell(int hop, int streamId, RelayMessage message, boolean early, boolean flush) {
        ByteBuf payload = RelayPayloadCodec.encode(streamId, message, table.link().channel().alloc(), RelayPadding.RANDOM);
        crypto.encrypt(payload, hop);
        RelayCell cell;
        if (early) {
            relayEarlySent++;
            cell = new RelayEarly(circuitId, payload);
        } else {
            cell = new Relay(circuitId, payload);
        }
        if (flush) {
            table.write(cell);
        } else {
            table.queue(cell);
        }
    }

    /** Tears the circuit down: DESTROY to the first hop, which propagates it (§5.4). */
    public synchronized void destroy() {
        close(new CircuitClosedException(DestroyReason.REQUESTED.code(), "destroyed by this client"), DestroyReason.NONE);
    }

    /** Closes locally; sends DESTROY with {@code sendReason} unless null (§5.4: "An OP should always use NONE"). */
    private void close(CircuitClosedException why, DestroyReason sendReason) {
        if (closed != null) {
            return;
        }
        closed = why;
        if (pendingTimeout != null) {
            pendingTimeout.cancel(false);
        }
        if (circuitId != 0) {
            table.remove(circuitId, this);
            if (sendReason != null) {
                table.write(new Destroy(circuitId, sendReason));
            }
        }
        pendingHandshake = null;
        if (pendingBuild != null) {
            pendingBuild.tryFailure(why);
        }
        closedPromise.trySuccess(why);
        for (EdgeHandler edge : edges) {
            if (edge != null) {
                edge.closed(why);
            }
        }
    }

    @Override
    public synchronized void created2(Created2 cell) {
        if (closed != null || crypto.hops() != 0 || pendingHandshake == null) {
            close(new CircuitClosedException(DestroyReason.PROTOCOL.code(), "unexpected CREATED2"), DestroyReason.NONE);
            return;
        }
        finishHop(cell.handshakeData());
    }

    private void finishHop(byte[] serverHandshake) {
        NtorClient handshake = pendingHandshake;
        pendingHandshake = null;
        CircuitKeys keys;
        try {
            keys = handshake.finish(serverHandshake);
        } catch (HandshakeFailedException e) {
            close(new CircuitClosedException(DestroyReason.PROTOCOL.code(), "hop " + crypto.hops()
                    + " failed the ntor handshake: " + e.getMessage()), DestroyReason.NONE);
            return;
        }
        crypto.addHop(keys);
        nonces.add(keys.nonce());
        keys.destroy();
        pendingTimeout.cancel(false);
        pendingBuild.trySuccess(this);
    }

    @Override
    public synchronized void relay(RelayCell cell) {
        try {
            if (closed != null) {
                return;
            }
            int hop;
            RelayEnvelope envelope;
            try {
                hop = crypto.decrypt(cell);
                envelope = RelayPayloadCodec.decode(cell);
            } catch (UnrecognizedCellException | RelayMessageFormatException e) {
                close(new CircuitClosedException(DestroyReason.PROTOCOL.code(), e.getMessage()), DestroyReason.NONE);
                return;
            }
            if (envelope.message() instanceof Extended2 extended) {
                if (pendingHandshake == null || hop != crypto.hops() - 1) {
                    close(new CircuitClosedException(DestroyReason.PROTOCOL.code(), "unexpected EXTENDED2"),
                            DestroyReason.NONE);
                } else {
                    finishHop(extended.handshakeData());
                }
                return;
            }
            if (envelope.streamId() == 0 && needsStream(envelope.message().commandCode())) {
                io.netty.util.ReferenceCountUtil.release(envelope.message());
                close(new CircuitClosedException(DestroyReason.PROTOCOL.code(), "relay command "
                        + envelope.message().commandCode() + " with stream ID 0 (tor-spec §6.1)"), DestroyReason.NONE);
                return;
            }
            EdgeHandler edge = hop < edges.length ? edges[hop] : null;
            if (edge != null && (envelope.streamId() != 0 || envelope.message() instanceof Sendme)) {
                edge.message(envelope.streamId(), envelope.message());
            } else {
                handler.accept(hop, envelope);
            }
        } finally {
            cell.release();
        }
    }

    /**
     * tor-spec §6.1: stream ID 0 is for messages about the whole circuit; these commands concern a
     * stream, so with stream ID 0 they are a protocol violation (SENDME is both, XON/XOFF not handled).
     */
    private static boolean needsStream(int command) {
        RelayCommand known = RelayCommand.fromCode(command);
        if (known == null) {
            return false;
        }
        return switch (known) {
            case BEGIN, DATA, END, CONNECTED, RESOLVE, RESOLVED, BEGIN_DIR -> true;
            default -> false;
        };
    }

    @Override
    public synchronized void destroyed(int reasonCode) {
        close(new CircuitClosedException(reasonCode, "circuit destroyed by the network"), null);
    }

    @Override
    public synchronized void linkClosed() {
        close(new CircuitClosedException(DestroyReason.CHANNEL_CLOSED.code(), "link to the first hop closed"), null);
    }

    @Override
    public synchronized String toString() {
        return "OriginCircuit[" + Integer.toHexString(circuitId) + ", " + hops() + " hops, "
                + (closed == null ? "open" : "closed") + "]";
    }
}
