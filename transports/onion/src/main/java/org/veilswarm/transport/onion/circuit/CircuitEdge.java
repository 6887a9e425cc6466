package org.veilswarm.transport.onion.circuit;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.RelayMessage;

/**
 * One end of a circuit where streams start and end (tor-spec §6): a hop of an {@link OriginCircuit}
 * seen from the origin, or a relay's own hop seen from the relay. The stream layer
 * ({@code org.veilswarm.transport.onion.stream}) implements {@link EdgeHandler} on top of it; this
 * package declares both so that circuits know nothing of streams.
 *
 * <p>Every method except {@link #whenClosed()} and {@link #isOpen()} is meant to be called on
 * {@link #eventLoop()}, the loop that delivers this edge's messages.
 */
public interface CircuitEdge {
    /** The event loop that delivers this edge's messages to its {@link EdgeHandler}. */
    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /**
     * Seals and queues one relay message to the other end of the circuit, without flushing the link
     * (call {@link #flush()} after a batch). Does not release {@code message}.
     *
     * @param wantDigest whether to return the running digest of the sent cell (tor-spec §7.4, what a
     *     SENDME v1 acknowledging it must carry)
     * @return the 20-byte running digest after this cell, or null if not wanted
     * @throws CircuitClosedException if the circuit is closed
     */
    byte[] send(int streamId, RelayMessage message, boolean wantDigest) throws CircuitClosedException;

    /** Flushes the cells {@link #send} queued on the link. */
    void flush();

    /**
     * The 20-byte running digest of the last cell received at this edge (tor-spec §7.4); valid while
     * {@link EdgeHandler#message} runs for that cell.
     */
    byte[] lastReceivedDigest();

    /** Tears the circuit down (a protocol violation, tor-spec §7.4: a bad SENDME closes the circuit). */
    void destroy(DestroyReason reason);

    boolean isOpen();

    /** Completes with the reason when the circuit closes. */
    Future<CircuitClosedException> whenClosed();
}
