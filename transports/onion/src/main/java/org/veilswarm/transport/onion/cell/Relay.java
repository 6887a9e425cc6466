package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;

/**
 * RELAY: end-to-end data on a circuit. See {@link RelayCell} for the payload's ownership.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/routing-relay-cells.html">tor-spec §5.5 Routing relay cells</a>
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public final class Relay extends RelayCell {
    /**
     * @param payload exactly 509 readable bytes; this cell takes over the caller's reference
     */
    public Relay(int circuitId, ByteBuf payload) {
        super(circuitId, payload);
    }

    @Override
    public CellCommand command() {
        return CellCommand.RELAY;
    }

    @Override
    public Relay with(int circuitId, ByteBuf payload) {
        return new Relay(circuitId, payload);
    }

    @Override
    public Relay replace(ByteBuf content) {
        return new Relay(circuitId(), content);
    }

    @Override
    public Relay retain() {
        super.retain();
        return this;
    }

    @Override
    public Relay touch(Object hint) {
        super.touch(hint);
        return this;
    }
}
