package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;

/**
 * CREATE2: HTYPE [2], HLEN [2], HDATA [HLEN], in a fixed-length cell. An HLEN beyond the payload is
 * fatal to the circuit being created, not to the link.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1 CREATE and CREATED cells</a>
 */
public final class Create2 implements Cell {
    /** HDATA fits in PAYLOAD_LEN after HTYPE and HLEN. */
    public static final int MAX_HANDSHAKE_LEN = CellFormat.PAYLOAD_LEN - 4;

    private final int circuitId;
    private final int handshakeType;
    private final byte[] handshakeData;

    public Create2(int circuitId, int handshakeType, byte[] handshakeData) {
        this.circuitId = Checks.nonZeroCircuitId(circuitId, CellCommand.CREATE2);
        this.handshakeType = Checks.unsigned(handshakeType, 16, "HTYPE");
        this.handshakeData = Checks.maxLength(handshakeData, MAX_HANDSHAKE_LEN, "HDATA");
    }

    /** HTYPE, see {@link HandshakeType}. */
    public int handshakeType() {
        return handshakeType;
    }

    public byte[] handshakeData() {
        return handshakeData.clone();
    }

    @Override
    public int circuitId() {
        return circuitId;
    }

    @Override
    public CellCommand command() {
        return CellCommand.CREATE2;
    }

    static Create2 decode(int circuitId, ByteBuf body) {
        BodyReader in = BodyReader.forCell(body, Scope.CIRCUIT, CellCommand.CREATE2.code(), circuitId);
        int type = in.u16("HTYPE");
        int length = in.u16("HLEN");
        if (length > MAX_HANDSHAKE_LEN) {
            throw in.error(Defect.LENGTH_OUT_OF_RANGE, "HLEN " + length + " > " + MAX_HANDSHAKE_LEN);
        }
        return new Create2(circuitId, type, in.bytes(length, "HDATA"));
    }

    void encodeBody(ByteBuf out) {
        out.writeShort(handshakeType).writeShort(handshakeData.length).writeBytes(handshakeData);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Create2 other && circuitId == other.circuitId && handshakeType == other.handshakeType
                && Arrays.equals(handshakeData, other.handshakeData);
    }

    @Override
    public int hashCode() {
        return (circuitId * 31 + handshakeType) * 31 + Arrays.hashCode(handshakeData);
    }

    @Override
    public String toString() {
        return "Create2[circuit=" + CellFormat.circuitIdText(circuitId) + ", htype=" + handshakeType + ", "
                + Checks.shortHex(handshakeData) + "]";
    }
}
