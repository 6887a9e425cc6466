package org.veilswarm.api.directory;

/** A directory could not answer, or answered with something that failed verification. */
public class DirectoryException extends Exception {
    private static final long serialVersionUID = 1L;

    public DirectoryException(String message) {
        super(message);
    }

    public DirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
