package org.veilswarm.transport.onion.cell;

/**
 * VPADDING: variable-length padding, allowed at any time, even before VERSIONS. Its payload is
 * padding bytes, which receivers ignore; this value keeps only their number and re-encodes NULs.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/cell-packet-format.html">tor-spec §3</a>
 * @see <a href="https://spec.torproject.org/tor-spec/negotiating-channels.html">tor-spec §4.1</a>
 */
public final class VPadding implements Cell {
    private final int circuitId;
    private final int length;

    public VPadding(int length) {
        this(0, length);
    }

    public VPadding(int circuitId, int length) {
        this.circuitId = circuitId;
        this.length = Checks.unsigned(length, 16, "VPADDING length");
    }

    /** Number of padding bytes. */
    public int length() {
        return length;
    }

    @Override
    public int circuitId() {
        return circuitId;
    }

    @Override
    public CellCommand command() {
        return CellCommand.VPADDING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VPadding other && circuitId == other.circuitId && length == other.length;
    }

    @Override
    public int hashCode() {
        return circuitId * 31 + length;
    }

    @Override
    public String toString() {
        return "VPadding[" + length + " bytes]";
    }
}
