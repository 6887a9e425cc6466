package org.veilswarm.tracker.store.jdbc;

/** A database operation of the tracker store failed; the message says which, the cause says why. */
public class TrackerDatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrackerDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }

    public TrackerDatabaseException(String message) {
        super(message);
    }
}
