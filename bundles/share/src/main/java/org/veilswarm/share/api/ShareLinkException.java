package org.veilswarm.share.api;

/** A text that is not a share link; the message says what is wrong (never the token). */
public class ShareLinkException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShareLinkException(String message) {
        super(message);
    }
}
