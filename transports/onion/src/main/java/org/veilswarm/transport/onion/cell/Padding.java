package org.veilswarm.transport.onion.cell;

/**
 * PADDING: a fixed-length keepalive whose payload is padding; "Receivers MUST ignore padding bytes",
 * so this value keeps only the circuit ID (normally 0) and re-encodes NUL padding.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/cell-packet-format.html">tor-spec §3</a>
 * @see <a href="https://spec.torproject.org/tor-spec/flow-control.html">tor-spec §7.2 Link padding</a>
 */
public final class Padding implements Cell {
    private final int circuitId;

    public Padding() {
        this(0);
    }

    public Padding(int circuitId) {
        this.circuitId = circuitId;
    }

    @Override
    public int circuitId() {
        return circuitId;
    }

    @Override
    public CellCommand command() {
        return CellCommand.PADDING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Padding other && circuitId == other.circuitId;
    }

    @Override
    public int hashCode() {
        return circuitId;
    }

    @Override
    public String toString() {
        return "Padding[circuit=" + CellFormat.circuitIdText(circuitId) + "]";
    }
}
