package org.veilswarm.transport.onion.cell;

/**
 * RELAY_DROP: a long-range dummy; "upon receiving such a cell, the OR or OP must drop it". Its body
 * is padding: empty on the wire here, ignored when read.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/opening-streams.html">tor-spec §6.2</a>
 * @see <a href="https://spec.torproject.org/tor-spec/flow-control.html">tor-spec §7.2 Link padding</a>
 */
public final class Drop implements RelayMessage {
    public static final Drop INSTANCE = new Drop();

    private Drop() {
    }

    @Override
    public int commandCode() {
        return RelayCommand.DROP.code();
    }

    @Override
    public String toString() {
        return "Drop";
    }
}
