package org.veilswarm.transport.tor.control;

import io.netty.handler.codec.DecoderException;

/**
 * Bytes from the control port that are not a well-formed reply (control-spec §2.3) or exceed the
 * configured {@link ControlLimits}. The stream cannot be resynchronised afterwards, so the
 * connection is closed and every pending command fails with this as the cause.
 */
public class ControlProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the input. */
    public enum Reason {
        /** Not three digits, or a first digit no reply class uses. */
        BAD_STATUS_CODE,
        /** Lines of one reply carried different status codes. */
        MIXED_STATUS_CODES,
        /** Too short, or a separator other than space, '-' or '+'. */
        MALFORMED_LINE,
        /** The stream ended inside a line, a reply or a data block. */
        MISSING_TERMINATOR,
        /** A line longer than {@link ControlLimits#maxLineLength()}. */
        LINE_TOO_LONG,
        /** A reply larger than {@link ControlLimits#maxReplyBytes()}. */
        REPLY_TOO_LARGE,
        /** A reply that answers no command. */
        UNEXPECTED_REPLY
    }

    private final Reason reason;

    public ControlProtocolException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
