package org.veilswarm.transport.onion.cell;

/**
 * The body of a plaintext relay cell, typed by its relay command (tor-spec §6.1). Read and written
 * with {@link RelayPayloadCodec}. {@link Data} holds a buffer and must be released; the other
 * messages hold small arrays.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public sealed interface RelayMessage permits Begin, BeginDir, Connected, Data, End, Sendme, Extend2, Extended2,
        Truncate, Truncated, Drop, StreamFlow, UnparsedRelayMessage {

    /** The relay command byte. */
    int commandCode();
}
