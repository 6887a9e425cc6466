package org.veilswarm.transport.onion.circuit;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.veilswarm.transport.onion.cell.DestroyReason;
import org.veilswarm.transport.onion.cell.RelayMessage;

/**
 * A relay's own hop of a circuit, as a {@link ControlMessageHandler} sees it: what an introduction or
 * rendezvous point (rend-spec-v3 §3) needs to answer the client, check the handshake nonce and join
 * two circuits. Thread-safe.
 */
public interface HopControl {
    /** The loop that delivers this hop's control messages. */
    EventLoop eventLoop();

    /**
     * KH of this hop's CREATE2 handshake (tor-spec §5.2.2): the key of an ESTABLISH_INTRO's
     * HANDSHAKE_AUTH (rend-spec-v3 §3.1.1).
     */
    byte[] handshakeNonce();

    /** Sends a control message (stream ID 0) from this hop to the circuit's origin; ignored once closed. */
    void send(RelayMessage message);

    /** Tears the circuit down. */
    void destroy(DestroyReason reason);

    boolean isOpen();

    /** Completes with the reason when the circuit closes at this relay. */
    Future<CircuitClosedException> whenClosed();

    /**
     * Joins this circuit with {@code other}, another circuit ending at this relay (rend-spec-v3 §3.3,
     * the rendezvous point): from now on each relay cell that arrives on one and is not for this hop
     * is passed, with this relay's backward layer, down the other; closing one closes the other.
     *
     * @return false if either is closed, extended beyond this relay, or joined already
     */
    boolean join(HopControl other);
}
