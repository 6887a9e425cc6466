package org.veilswarm.transport.onion.circuit;

import java.time.Duration;
import org.veilswarm.transport.onion.cell.DestroyReason;

/** A CREATE2 or EXTEND2 got no answer within {@link CircuitSettings#buildTimeout()}; the circuit was destroyed. */
public final class CircuitBuildTimeoutException extends CircuitClosedException {
    private static final long serialVersionUID = 1L;

    public CircuitBuildTimeoutException(int hop, Duration timeout) {
        super(DestroyReason.TIMEOUT.code(), "hop " + hop + " not built within " + timeout);
    }
}
