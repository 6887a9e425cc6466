package org.veilswarm.tracker.protocol;

/** The tracker answered with {@code failure reason} (BEP 3): it understood and refused. */
public final class TrackerFailureException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public TrackerFailureException(String reason) {
        super("tracker refused: " + reason);
        this.reason = reason;
    }

    /** The tracker's {@code failure reason}. */
    public String reason() {
        return reason;
    }
}
