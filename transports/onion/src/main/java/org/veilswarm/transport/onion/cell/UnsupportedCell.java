package org.veilswarm.transport.onion.cell;

import java.util.Arrays;
import java.util.Objects;

/**
 * A cell whose command tor-spec defines but whose format this implementation does not parse: CREATE and
 * CREATED (the obsolete TAP handshake, tor-spec §5.1.3) and AUTHORIZE (reserved, tor-spec §4). Kept
 * with its raw payload so that the layer above can answer it (a CREATE gets a DESTROY) and so that
 * it re-encodes to the same bytes. Commands tor-spec does not define never get here: the decoder
 * drops them, as tor-spec §3 requires.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/cell-packet-format.html">tor-spec §3</a>
 */
public final class UnsupportedCell implements Cell {
    private final int circuitId;
    private final CellCommand command;
    private final byte[] payload;

    /** @param payload the whole payload (for fixed-length commands, up to 509 bytes; NUL padding is added) */
    public UnsupportedCell(int circuitId, CellCommand command, byte[] payload) {
        this.circuitId = circuitId;
        this.command = Objects.requireNonNull(command, "command");
        this.payload = Checks.maxLength(payload,
                command.isVariableLength() ? CellFormat.MAX_VAR_PAYLOAD_LEN : CellFormat.PAYLOAD_LEN, "payload");
    }

    public byte[] payload() {
        return payload.clone();
    }

    byte[] payloadUnsafe() {
        return payload;
    }

    @Override
    public int circuitId() {
        return circuitId;
    }

    @Override
    public CellCommand command() {
        return command;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnsupportedCell other && circuitId == other.circuitId && command == other.command
                && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return (circuitId * 31 + command.hashCode()) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "UnsupportedCell[" + command + ", circuit=" + CellFormat.circuitIdText(circuitId) + ", "
                + Checks.shortHex(payload) + "]";
    }
}
