package org.veilswarm.tracker.protocol;

/** A tracker's response that does not parse, or an HTTP status other than 200. */
public final class TrackerResponseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int httpStatus;

    public TrackerResponseException(String message) {
        super(message);
        this.httpStatus = 0;
    }

    public TrackerResponseException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
    }

    /**
     * An HTTP status other than 200.
     *
     * @since 1.2
     */
    public TrackerResponseException(String message, int httpStatus) {
        super(message);
        this.httpStatus = httpStatus;
    }

    /**
     * The HTTP status the tracker answered with, when that was the problem.
     *
     * @since 1.2
     */
    public java.util.OptionalInt httpStatus() {
        return httpStatus == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(httpStatus);
    }
}
