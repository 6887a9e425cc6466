package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;

/**
 * RELAY_EARLY: a relay cell that counts against the limit of 8 per circuit which bounds circuit length; clients "MUST only send EXTEND/EXTEND2 cells inside RELAY_EARLY cells". See {@link RelayCell} for the payload's ownership.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/relay-early.html">tor-spec §5.6 Handling relay_early cells</a>
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public final class RelayEarly extends RelayCell {
    /**
     * @param payload exactly 509 readable bytes; this cell takes over the caller's reference
     */
    public RelayEarly(int circuitId, ByteBuf payload) {
        super(circuitId, payload);
    }

    @Override
    public CellCommand command() {
        return CellCommand.RELAY_EARLY;
    }

    @Override
    public RelayEarly with(int circuitId, ByteBuf payload) {
        return new RelayEarly(circuitId, payload);
    }

    @Override
    public RelayEarly replace(ByteBuf content) {
        return new RelayEarly(circuitId(), content);
    }

    @Override
    public RelayEarly retain() {
        super.retain();
        return this;
    }

    @Override
    public RelayEarly touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
