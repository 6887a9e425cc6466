package org.veilswarm.transport.onion.cell;

/**
 * A decoded link cell (tor-spec §3): a circuit ID and a command with its payload. What
 * {@link CellDecoder} emits and {@link CellEncoder} writes. {@link RelayCell}s are reference-counted
 * and must be released; the others hold no buffers.
 */
public sealed interface Cell permits Versions, Certs, AuthChallenge, Authenticate, Netinfo, PaddingNegotiate,
        Padding, VPadding, Create2, Created2, CreateFast, CreatedFast, RelayCell, Destroy, UnsupportedCell,
        MalformedCell {

    /** The circuit ID: 0 for link cells, nonzero for circuit cells (tor-spec §5.1.1). */
    int circuitId();

    /** The command byte's meaning. */
    CellCommand command();
}
