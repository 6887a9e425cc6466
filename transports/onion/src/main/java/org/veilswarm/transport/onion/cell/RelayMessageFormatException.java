package org.veilswarm.transport.onion.cell;

/**
 * A malformed plaintext relay cell or relay message body: always {@link Scope#CIRCUIT circuit-fatal}
 * (the circuit it came on is destroyed; the link stays). Carries the relay command and stream ID
 * besides the defect.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public final class RelayMessageFormatException extends CellFormatException {
    private static final long serialVersionUID = 1L;

    private final int relayCommand;
    private final int streamId;

    /**
     * @param relayCommand the relay command byte, or -1 if the header itself is bad
     */
    public RelayMessageFormatException(Defect defect, int circuitId, int relayCommand, int streamId, String message) {
        super(Scope.CIRCUIT, defect, CellCommand.RELAY.code(), circuitId,
                relayCommandText(relayCommand) + (streamId != 0 ? " on stream " + streamId : "") + ": " + message);
        this.relayCommand = relayCommand;
        this.streamId = streamId;
    }

    /** The relay command byte, or -1 if the problem is in the relay header. */
    public int relayCommand() {
        return relayCommand;
    }

    public int streamId() {
        return streamId;
    }

    private static String relayCommandText(int code) {
        RelayCommand known = RelayCommand.fromCode(code);
        return known != null ? "RELAY_" + known.name() : code < 0 ? "relay header" : "relay command " + code;
    }
}
