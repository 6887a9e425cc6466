package org.veilswarm.tracker.protocol;

/** A tracker's response that does not parse, or an HTTP status other than 200. */
public final class TrackerResponseException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrackerResponseException(String message) {
        super(message);
    }

    public TrackerResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
