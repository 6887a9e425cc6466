package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * CREATED_FAST: key material Y [HASH_LEN = 20], derivative key data KH [HASH_LEN = 20].
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.5 CREATE_FAST/CREATED_FAST cells</a>
 */
public final class CreatedFast implements Cell {
    public static final int KEY_MATERIAL_LEN = 20;
    public static final int DERIVATIVE_KEY_DATA_LEN = 20;

    private final int circuitId;
    private final byte[] keyMaterial;
    private final byte[] derivativeKeyData;

    public CreatedFast(int circuitId, byte[] keyMaterial, byte[] derivativeKeyData) {
        this.circuitId = Checks.nonZeroCircuitId(circuitId, CellCommand.CREATED_FAST);
        this.keyMaterial = Checks.exactLength(keyMaterial, KEY_MATERIAL_LEN, "key material Y");
        this.derivativeKeyData = Checks.exactLength(derivativeKeyData, DERIVATIVE_KEY_DATA_LEN, "KH");
    }

    public byte[] keyMaterial() {
        return keyMaterial.clone();
    }

    public byte[] derivativeKeyData() {
        return derivativeKeyData.clone();
    }

    @Override
    public int circuitId() {
        return circuitId;
    }

    @Override
    public CellCommand command() {
        return CellCommand.CREATED_FAST;
    }

    static CreatedFast decode(int circuitId, ByteBuf body) {
        byte[] y = new byte[KEY_MATERIAL_LEN];
        byte[] kh = new byte[DERIVATIVE_KEY_DATA_LEN];
        body.readBytes(y).readBytes(kh); // a fixed payload always holds 40 bytes
        return new CreatedFast(circuitId, y, kh);
    }

    void encodeBody(ByteBuf out) {
        out.writeBytes(keyMaterial).writeBytes(derivativeKeyData);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreatedFast other && circuitId == other.circuitId
                && Arrays.equals(keyMaterial, other.keyMaterial)
                && Arrays.equals(derivativeKeyData, other.derivativeKeyData);
    }

    @Override
    public int hashCode() {
        return (circuitId * 31 + Arrays.hashCode(keyMaterial)) * 31 + Arrays.hashCode(derivativeKeyData);
    }

    @Override
    public String toString() {
        return "CreatedFast[circuit=" + CellFormat.circuitIdText(circuitId) + ", Y=" + Checks.hex(keyMaterial)
                + ", KH=" + Checks.hex(derivativeKeyData) + "]";
    }
}
