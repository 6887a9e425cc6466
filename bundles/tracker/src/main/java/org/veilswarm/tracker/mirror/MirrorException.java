package org.veilswarm.tracker.mirror;

/**
 * A source's answer that the mirror refuses (bad signature, malformed document, wrong nonce, scope or
 * sequence, oversized) or could not get. Nothing of the refused document reaches the mirror's store.
 */
public class MirrorException extends Exception {
    private static final long serialVersionUID = 1L;

    public MirrorException(String message) {
        super(message);
    }

    public MirrorException(String message, Throwable cause) {
        super(message, cause);
    }
}
