package org.veilswarm.transport.onion.cell;

/**
 * RELAY_TRUNCATE: ask a hop to tear down the circuit beyond it (StreamID 0); the body is empty and
 * ignored when read.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/tearing-down-circuits.html">tor-spec §5.4 Tearing down circuits</a>
 */
public final class Truncate implements RelayMessage {
    public static final Truncate INSTANCE = new Truncate();

    private Truncate() {
    }

    @Override
    public int commandCode() {
        return RelayCommand.TRUNCATE.code();
    }

    @Override
    public String toString() {
        return "Truncate";
    }
}
