package org.veilswarm.transport.onion.cell;

/**
 * RELAY_BEGIN_DIR: open a stream to the relay's own directory service. "Clients MUST generate an
 * all-zero payload for RELAY_BEGIN_DIR cells, and relays MUST ignore the payload": the body is empty
 * on the wire here and ignored when read.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/opening-streams.html">tor-spec §6.2.1 Opening a directory stream</a>
 */
public final class BeginDir implements RelayMessage {
    public static final BeginDir INSTANCE = new BeginDir();

    private BeginDir() {
    }

    @Override
    public int commandCode() {
        return RelayCommand.BEGIN_DIR.code();
    }

    @Override
    public String toString() {
        return "BeginDir";
    }
}
