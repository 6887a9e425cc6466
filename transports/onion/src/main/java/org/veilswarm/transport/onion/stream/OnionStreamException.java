package org.veilswarm.transport.onion.stream;

import java.io.IOException;
import java.util.Optional;
import org.veilswarm.transport.onion.cell.EndReason;

/**
 * A stream failed. Subclasses say how: {@link StreamRefusedException} (END instead of CONNECTED),
 * {@link StreamResetException} (END with an error reason on an open stream), {@link CircuitLostException}
 * (the circuit under it closed), {@link StreamProtocolException} (the peer broke the stream protocol),
 * {@link StreamConnectTimeoutException}.
 */
public class OnionStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The RELAY_END reason byte (tor-spec §6.3), or -1 if no END was involved. */
    private final int endReason;

    public OnionStreamException(String message, int endReason, Throwable cause) {
        super(message, cause);
        this.endReason = endReason;
    }

    /** The RELAY_END reason byte that ended the stream, or -1. */
    public int endReasonCode() {
        return endReason;
    }

    public Optional<EndReason> endReason() {
        return endReason < 0 ? Optional.empty() : EndReason.fromCode(endReason);
    }

    static String reasonText(int code) {
        return EndReason.fromCode(code).map(Enum::name).orElse(Integer.toString(code));
    }
}
