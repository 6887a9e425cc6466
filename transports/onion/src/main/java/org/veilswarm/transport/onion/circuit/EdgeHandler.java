package org.veilswarm.transport.onion.circuit;

import org.veilswarm.transport.onion.cell.RelayMessage;

/**
 * Receives the stream messages arriving at a {@link CircuitEdge}: every relay message with a non-zero
 * stream ID, and circuit-level SENDMEs (stream ID 0, tor-spec §7.3). Implemented by the stream layer.
 */
public interface EdgeHandler {
    /**
     * A stream message, on the edge's event loop. The handler owns {@code message} (release a
     * {@code Data}).
     */
    void message(int streamId, RelayMessage message);

    /** The circuit closed; may be called on any thread. */
    void closed(CircuitClosedException why);
}
