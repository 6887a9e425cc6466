package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * RELAY_DATA: up to 498 bytes of stream data. Decoded messages hold a retained slice of the cell's
 * payload (no copy); release it once consumed.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/opening-streams.html">tor-spec §6.2 Opening streams and transferring data</a>
 */
public final class Data extends DefaultByteBufHolder implements RelayMessage {
    /** The most data one relay cell carries (tor-spec §6.1: PAYLOAD_LEN - 11). */
    public static final int MAX_LENGTH = CellFormat.RELAY_BODY_MAX_LEN;

    /** @param data at most 498 readable bytes; this message takes over the caller's reference */
    public Data(ByteBuf data) {
        super(requireLength(data));
    }

    private static ByteBuf requireLength(ByteBuf data) {
        Objects.requireNonNull(data, "data");
        if (data.readableBytes() > MAX_LENGTH) {
            throw new IllegalArgumentException("DATA carries at most " + MAX_LENGTH + " bytes, got "
                    + data.readableBytes());
        }
        return data;
    }

    @Override
    public int commandCode() {
        return RelayCommand.DATA.code();
    }

    @Override
    public Data replace(ByteBuf content) {
        return new Data(content);
    }

    @Override
    public Data copy() {
        return replace(content().copy());
    }

    @Override
    public Data duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public Data retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public Data retain() {
        super.retain();
        return this;
    }

    @Override
    public Data retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Data touch() {
        super.touch();
        return this;
    }

    @Override
    public Data touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Data other && content().equals(other.content());
    }

    @Override
    public int hashCode() {
        return content().hashCode();
    }

    @Override
    public String toString() {
        return "Data[" + content().readableBytes() + " bytes, refCnt=" + refCnt() + "]";
    }
}
