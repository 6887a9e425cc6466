package org.veilswarm.tracker.store.jdbc;

/** The database holds a schema newer than this store knows; the store refuses to start on it. */
public final class UnsupportedSchemaException extends TrackerDatabaseException {
    private static final long serialVersionUID = 1L;

    public UnsupportedSchemaException(String message) {
        super(message);
    }
}
