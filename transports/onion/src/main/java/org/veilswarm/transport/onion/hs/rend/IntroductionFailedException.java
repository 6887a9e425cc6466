package org.veilswarm.transport.onion.hs.rend;

/**
 * The introduction failed (rend-spec-v3 §3.2): the intro point refused with an INTRODUCE_ACK status,
 * or the circuit to it failed or closed before the ACK, or no ACK came in time. Another introduction
 * point of the descriptor may work.
 */
public final class IntroductionFailedException extends OnionServiceConnectException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** INTRODUCE_ACK status 1: the intro point has no circuit for that auth key (the service left it). */
        SERVICE_NOT_RECOGNIZED,
        /** INTRODUCE_ACK status 2. */
        BAD_MESSAGE_FORMAT,
        /** INTRODUCE_ACK status 3 (or another non-zero status). */
        CANT_RELAY,
        /** The circuit to the intro point could not be built or closed before the ACK (e.g. the relay is gone). */
        INTRO_POINT_UNREACHABLE,
        /** No INTRODUCE_ACK in time. */
        TIMEOUT
    }

    private final Reason reason;

    public IntroductionFailedException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static Reason forStatus(int status) {
        return switch (status) {
            case IntroduceAck.SERVICE_NOT_RECOGNIZED -> Reason.SERVICE_NOT_RECOGNIZED;
            case IntroduceAck.BAD_MESSAGE_FORMAT -> Reason.BAD_MESSAGE_FORMAT;
            default -> Reason.CANT_RELAY;
        };
    }
}
