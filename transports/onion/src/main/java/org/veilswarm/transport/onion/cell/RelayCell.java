package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * A RELAY or RELAY_EARLY cell as it travels on a link: a circuit ID and a 509-byte payload that is
 * (still) onion-encrypted. The payload is a pooled buffer, usually a slice of the bytes the cell was
 * decoded from: relay crypto transforms it in place and a relay forwards the same buffer under the
 * next link's circuit ID, so relaying copies nothing. Release it (or pass it on) exactly once.
 *
 * <p>Once decrypted, the payload has the relay cell layout of tor-spec §6.1, read with
 * {@link RelayPayloadCodec}.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/routing-relay-cells.html">tor-spec §5.5 Routing relay cells</a>
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public abstract sealed class RelayCell extends DefaultByteBufHolder implements Cell permits Relay, RelayEarly {
    private final int circuitId;

    RelayCell(int circuitId, ByteBuf payload) {
        super(requirePayload(payload));
        this.circuitId = Checks.nonZeroCircuitId(circuitId, CellCommand.RELAY);
    }

    private static ByteBuf requirePayload(ByteBuf payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.readableBytes() != CellFormat.PAYLOAD_LEN) {
            throw new IllegalArgumentException("a relay cell payload is " + CellFormat.PAYLOAD_LEN
                    + " bytes, got " + payload.readableBytes());
        }
        return payload;
    }

    @Override
    public final int circuitId() {
        return circuitId;
    }

    /** True for RELAY_EARLY (tor-spec §5.6). */
    public final boolean isEarly() {
        return this instanceof RelayEarly;
    }

    /** The same kind of cell, for another circuit ID, holding {@code payload}. */
    public abstract RelayCell with(int circuitId, ByteBuf payload);

    @Override
    public abstract RelayCell replace(ByteBuf content);

    @Override
    public RelayCell copy() {
        return replace(content().copy());
    }

    @Override
    public RelayCell duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public RelayCell retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public RelayCell retain() {
        super.retain();
        return this;
    }

    @Override
    public RelayCell retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public RelayCell touch() {
        super.touch();
        return this;
    }

    @Override
    public RelayCell touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayCell other && getClass() == other.getClass() && circuitId == other.circuitId
                && content().equals(other.content());
    }

    @Override
    public int hashCode() {
        return circuitId * 31 + content().hashCode();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[circuit=" + CellFormat.circuitIdText(circuitId) + ", refCnt="
                + refCnt() + "]";
    }
}
