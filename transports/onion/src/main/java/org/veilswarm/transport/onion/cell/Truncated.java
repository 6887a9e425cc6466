package org.veilswarm.transport.onion.cell;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * RELAY_TRUNCATED: the circuit was torn down beyond the sending hop; the body is one reason byte, as
 * in DESTROY.
 *
 * @see <a href="https://spec.torproject.org/tor-spec/tearing-down-circuits.html">tor-spec §5.4 Tearing down circuits</a>
 */
public final class Truncated implements RelayMessage {
    private final int reasonCode;

    public Truncated(DestroyReason reason) {
        this(reason.code());
    }

    public Truncated(int reasonCode) {
        this.reasonCode = Checks.unsigned(reasonCode, 8, "reason");
    }

    public int reasonCode() {
        return reasonCode;
    }

    public Optional<DestroyReason> reason() {
        return DestroyReason.fromCode(reasonCode);
    }

    @Override
    public int commandCode() {
        return RelayCommand.TRUNCATED.code();
    }

    static Truncated decode(BodyReader in) {
        Truncated message = new Truncated(in.u8("reason"));
        in.skipRest();
        return message;
    }

    void encodeBody(ByteBuf out) {
        out.writeByte(reasonCode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Truncated other && reasonCode == other.reasonCode;
    }

    @Override
    public int hashCode() {
        return reasonCode;
    }

    @Override
    public String toString() {
        return "Truncated[" + reason().map(Enum::name).orElse(Integer.toString(reasonCode)) + "]";
    }
}
