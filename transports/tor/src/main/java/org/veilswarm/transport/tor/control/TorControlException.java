package org.veilswarm.transport.tor.control;

import java.io.IOException;

/**
 * A control command failed: tor answered with a 4xx/5xx status (control-spec §4; {@link #code()} is
 * that status and the message tor's text), or the command could not complete (connection closed,
 * no answer in time, a reply we could not use; then {@link #code()} is {@link #NO_REPLY}).
 */
public class TorControlException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@link #code()} when tor did not answer with a status code. */
    public static final int NO_REPLY = -1;

    private final int code;

    public TorControlException(int code, String message) {
        super(message);
        this.code = code;
    }

    public TorControlException(String message, Throwable cause) {
        super(message, cause);
        this.code = NO_REPLY;
    }

    public TorControlException(String message) {
        this(NO_REPLY, message);
    }

    /** tor's status code, e.g. 515 "Authentication failed", 552 "Unrecognized key"; or {@link #NO_REPLY}. */
    public int code() {
        return code;
    }

    /** A failure reply from tor as an exception, naming the command (never its arguments: they may hold secrets). */
    public static TorControlException fromReply(String commandKeyword, ControlReply reply) {
        return new TorControlException(reply.status(), commandKeyword + " failed: " + reply.status() + " " + reply.firstText());
    }
}
