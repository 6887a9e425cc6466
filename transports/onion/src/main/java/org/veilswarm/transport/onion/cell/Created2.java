package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.veilswarm.transport.onion.cell.CellFormatException.Defect;
import org.veilswarm.transport.onion.cell.CellFormatException.Scope;

/**
 * CREATED2: HLEN [2], HDATA [HLEN], in a fixed-length cell; EXTENDED2 carries the same body
 * (tor-spec §5.1.2).
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1 CREATE and CREATED cells</a>
 */
public final class Created2 implements Cell {
    /** HDATA fits in PAYLOAD_LEN after HLEN. */
    public static final int MAX_HANDSHAKE_LEN = CellFormat.PAYLOAD_LEN - 2;

    private final int circuitId;
    private final byte[] handshakeData;

    public Created2(int circuitId, byte[] handshakeData) {
        this.circuitId = Checks.nonZeroCircuitId(circuitId, CellCommand.CREATED2);
        this.handshakeData = Checks.maxLength(handshakeData, MAX_HANDSHAKE_LEN, "HDATA");
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
        return CellCommand.CREATED2;
    }

    static Created2 decode(int circuitId, ByteBuf body) {
        BodyReader in = BodyReader.forCell(body, Scope.CIRCUIT, CellCommand.CREATED2.code(), circuitId);
        int length = in.u16("HLEN");
        if (length > MAX_HANDSHAKE_LEN) {
            throw in.error(Defect.LENGTH_OUT_OF_RANGE, "HLEN " + length + " > " + MAX_HANDSHAKE_LEN);
        }
        return new Created2(circuitId, in.bytes(length, "HDATA"));
    }

    void encodeBody(ByteBuf out) {
        out.writeShort(handshakeData.length).writeBytes(handshakeData);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Created2 other && circuitId == other.circuitId
                && Arrays.equals(handshakeData, other.handshakeData);
    }

    @Override
    public int hashCode() {
        return circuitId * 31 + Arrays.hashCode(handshakeData);
    }

    @Override
    public String toString() {
        return "Created2[circuit=" + CellFormat.circuitIdText(circuitId) + ", " + Checks.shortHex(handshakeData) + "]";
    }
}
