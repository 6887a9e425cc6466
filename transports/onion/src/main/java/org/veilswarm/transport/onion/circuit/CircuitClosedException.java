package org.veilswarm.transport.onion.circuit;

import java.util.Optional;
import org.veilswarm.transport.onion.cell.DestroyReason;

/** The circuit is gone: destroyed by either end, its link closed, or refused by a relay. */
public class CircuitClosedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int reasonCode;

    public CircuitClosedException(int reasonCode, String message) {
        super(message + " (reason " + DestroyReason.fromCode(reasonCode).map(Enum::name).orElse(Integer.toString(reasonCode)) + ")");
        this.reasonCode = reasonCode;
    }

    /** The DESTROY reason byte (tor-spec §5.4). */
    public int reasonCode() {
        return reasonCode;
    }

    public Optional<DestroyReason> reason() {
        return DestroyReason.fromCode(reasonCode);
    }
}
