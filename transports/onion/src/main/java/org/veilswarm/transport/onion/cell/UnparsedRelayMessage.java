package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Optional;

/**
 * A relay message whose command this package does not parse (TAP-era EXTEND, RESOLVE, onion-service
 * and conflux commands, or one tor-spec does not list), kept as raw bytes. For a command the receiver
 * does not understand, "the cell must be dropped and ignored. Its contents still count with respect to
 * the digests and flow control windows, though."
 *
 * @see <a href="https://spec.torproject.org/tor-spec/relay-cells.html">tor-spec §6.1 Relay cells</a>
 */
public final class UnparsedRelayMessage implements RelayMessage {
    private final int commandCode;
    private final byte[] body;

    public UnparsedRelayMessage(int commandCode, byte[] body) {
        this.commandCode = Checks.unsigned(commandCode, 8, "relay command");
        this.body = Checks.maxLength(body, CellFormat.RELAY_BODY_MAX_LEN, "relay body");
    }

    @Override
    public int commandCode() {
        return commandCode;
    }

    /** The command, if tor-spec lists it. */
    public Optional<RelayCommand> command() {
        return Optional.ofNullable(RelayCommand.fromCode(commandCode));
    }

    public byte[] body() {
        return body.clone();
    }

    void encodeBody(ByteBuf out) {
        out.writeBytes(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnparsedRelayMessage other && commandCode == other.commandCode
                && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return commandCode * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "UnparsedRelayMessage[" + command().map(Enum::name).orElse(Integer.toString(commandCode)) + ", "
                + Checks.shortHex(body) + "]";
    }
}
