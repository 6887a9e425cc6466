package org.veilswarm.transport.onion.cell;

import java.util.Objects;

/**
 * Stands in the cell stream for a cell that was framed correctly but whose body is malformed in a way
 * that only concerns its circuit ({@link CellFormatException.Scope#CIRCUIT}), e.g. a CREATE2 whose HLEN
 * runs past the payload. The receiver destroys that circuit and goes on with the link; the cells that
 * follow are unaffected. Never encoded.
 *
 * @see CellFormatException
 */
public final class MalformedCell implements Cell {
    private final CellCommand command;
    private final CellFormatException cause;

    public MalformedCell(CellCommand command, CellFormatException cause) {
        this.command = Objects.requireNonNull(command, "command");
        this.cause = Objects.requireNonNull(cause, "cause");
        if (cause.isLinkFatal()) {
            throw new IllegalArgumentException("a link-fatal defect closes the link; it is not a MalformedCell", cause);
        }
    }

    /** What is wrong with the cell. */
    public CellFormatException cause() {
        return cause;
    }

    @Override
    public int circuitId() {
        return cause.circuitId();
    }

    @Override
    public CellCommand command() {
        return command;
    }

    @Override
    public String toString() {
        return "MalformedCell[" + cause.getMessage() + "]";
    }
}
