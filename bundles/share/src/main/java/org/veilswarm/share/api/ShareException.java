package org.veilswarm.share.api;

/** A share or download operation that failed for a reason the user can act on (the message says which). */
public class ShareException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShareException(String message) {
        super(message);
    }

    public ShareException(String message, Throwable cause) {
        super(message, cause);
    }
}
