package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * DESTROY: tear down a circuit; the payload's first byte is the reason, the rest is padding.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/tearing-down-circuits.html">tor-spec §5.4 Tearing down circuits</a>
 */
public final class Destroy implements Cell {
    private final int circuitId;
    private final int reasonCode;

    public Destroy(int circuitId, DestroyReason reason) {
        this(circuitId, reason.code());
    }

    public Destroy(int circuitId, int reasonCode) {
        this.circuitId = Checks.nonZeroCircuitId(circuitId, CellCommand.DESTROY);
        this.reasonCode = Checks.unsigned(reasonCode, 8, "reason");
    }

    public int reasonCode() {
        return reasonCode;
    }

    /** The reason, empty for a code tor-spec does not list. */
    public Optional<DestroyReason> reason() {
        return DestroyReason.fromCode(reasonCode);
    }

    @Override
    public int circuitId() {
        return circuitId;
    }

    @Override
    public CellCommand command() {
        return CellCommand.DESTROY;
    }

    static Destroy decode(int circuitId, ByteBuf body) {
        return new Destroy(circuitId, body.readUnsignedByte());
    }

    void encodeBody(ByteBuf out) {
        out.writeByte(reasonCode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Destroy other && circuitId == other.circuitId && reasonCode == other.reasonCode;
    }

    @Override
    public int hashCode() {
        return circuitId * 31 + reasonCode;
    }

    @Override
    public String toString() {
        return "Destroy[circuit=" + CellFormat.circuitIdText(circuitId) + ", reason="
                + reason().map(Enum::name).orElse(Integer.toString(reasonCode)) + "]";
    }
}
