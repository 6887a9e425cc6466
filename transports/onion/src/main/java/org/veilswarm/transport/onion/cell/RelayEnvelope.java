package org.veilswarm.transport.onion.cell;

import java.util.Objects;

/**
 * A decoded plaintext relay cell: the stream it belongs to (0 for "[control]" messages that affect
 * the whole circuit) and its message. If the message is {@link Data}, it holds a buffer: release it.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public record RelayEnvelope(int streamId, RelayMessage message) {
    public RelayEnvelope {
        Checks.unsigned(streamId, 16, "StreamID");
        Objects.requireNonNull(message, "message");
    }
}
