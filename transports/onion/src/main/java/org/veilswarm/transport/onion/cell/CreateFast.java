package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * CREATE_FAST: key material X [HASH_LEN = 20]. Deprecated for new circuits ("Tor 0.3.1.1-alpha and
 * later disable CREATE_FAST by default") but still a valid cell.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.5 CREATE_FAST/CREATED_FAST cells</a>
 */
public final class CreateFast implements Cell {
    public static final int KEY_MATERIAL_LEN = 20;

    private final int circuitId;
    private final byte[] keyMaterial;

    public CreateFast(int circuitId, byte[] keyMaterial) {
        this.circuitId = Checks.nonZeroCircuitId(circuitId, CellCommand.CREATE_FAST);
        this.keyMaterial = Checks.exactLength(keyMaterial, KEY_MATERIAL_LEN, "key material X");
    }

    public byte[] keyMaterial() {
        return keyMaterial.clone();
    }

    @Override
    public int circuitId() {
        return circuitId;
    }

    @Override
    public CellCommand command() {
        return CellCommand.CREATE_FAST;
    }

    static CreateFast decode(int circuitId, ByteBuf body) {
        byte[] x = new byte[KEY_MATERIAL_LEN];
        body.readBytes(x); // a fixed payload always holds 20 bytes
        return new CreateFast(circuitId, x);
    }

    void encodeBody(ByteBuf out) {
        out.writeBytes(keyMaterial);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreateFast other && circuitId == other.circuitId
                && Arrays.equals(keyMaterial, other.keyMaterial);
    }

    @Override
    public int hashCode() {
        return circuitId * 31 + Arrays.hashCode(keyMaterial);
    }

    @Override
    public String toString() {
        return "CreateFast[circuit=" + CellFormat.circuitIdText(circuitId) + ", " + Checks.hex(keyMaterial) + "]";
    }
}
