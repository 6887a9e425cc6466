package org.veilswarm.transport.onion.crypto;

/**
 * A relay cell that no hop recognizes: at the client after trying every layer (tor-spec §5.5.3), or at
 * the last hop of a circuit ("If the OR at the end of the circuit encounters an unrecognized relay
 * cell, an error has occurred: the OR sends a DESTROY cell to tear down the circuit", tor-spec
 * §5.5.2.2). Fatal to the circuit, not to the link.
 */
public final class UnrecognizedCellException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int circuitId;

    public UnrecognizedCellException(int circuitId, String message) {
        super(message);
        this.circuitId = circuitId;
    }

    public int circuitId() {
        return circuitId;
    }
}
