package org.veilswarm.directory.http;

import java.io.IOException;

/** A directory server answered with an HTTP error status, or not in HTTP at all. */
public final class DirectoryHttpException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public DirectoryHttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was none (a broken or closed stream). */
    public int status() {
        return status;
    }
}
