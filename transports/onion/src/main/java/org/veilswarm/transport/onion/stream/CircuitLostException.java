package org.veilswarm.transport.onion.stream;

import org.veilswarm.transport.onion.circuit.CircuitClosedException;

/** The circuit carrying the stream closed (DESTROY, a link down, a relay gone); the cause says why. */
public final class CircuitLostException extends OnionStreamException {
    private static final long serialVersionUID = 1L;

    public CircuitLostException(int streamId, CircuitClosedException cause) {
        super("stream " + streamId + " lost its circuit: " + cause.getMessage(), -1, cause);
    }

    /** The DESTROY reason of the circuit (tor-spec §5.4). */
    public int destroyReasonCode() {
        return ((CircuitClosedException) getCause()).reasonCode();
    }
}
