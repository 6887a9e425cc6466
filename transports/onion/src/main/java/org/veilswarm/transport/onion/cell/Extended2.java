package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * RELAY_EXTENDED2: the new hop's CREATED2 body, HLEN [2] and HDATA [HLEN], relayed back to the client.
 * Bytes after HDATA are ignored.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/create-created-cells.html">tor-spec §5.1.2 EXTEND and EXTENDED cells</a>
 */
public final class Extended2 implements RelayMessage {
    private final byte[] handshakeData;

    public Extended2(byte[] handshakeData) {
        this.handshakeData = Checks.maxLength(handshakeData, CellFormat.RELAY_BODY_MAX_LEN - 2, "HDATA");
    }

    public byte[] handshakeData() {
        return handshakeData.clone();
    }

    @Override
    public int commandCode() {
        return RelayCommand.EXTENDED2.code();
    }

    static Extended2 decode(BodyReader in) {
        int length = in.u16("HLEN");
        byte[] data = in.bytes(length, "HDATA");
        in.skipRest();
        return new Extended2(data);
    }

    void encodeBody(ByteBuf out) {
        out.writeShort(handshakeData.length).writeBytes(handshakeData);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extended2 other && Arrays.equals(handshakeData, other.handshakeData);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(handshakeData);
    }

    @Override
    public String toString() {
        return "Extended2[" + Checks.shortHex(handshakeData) + "]";
    }
}
