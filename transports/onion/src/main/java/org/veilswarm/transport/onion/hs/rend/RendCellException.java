package org.veilswarm.transport.onion.hs.rend;

/** A malformed onion-service cell body (rend-spec-v3 §3), with what is wrong and where. */
public final class RendCellException extends Exception {
    private static final long serialVersionUID = 1L;

    public RendCellException(String message) {
        super(message);
    }
}
