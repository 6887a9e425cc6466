package org.veilswarm.metainfo;

/** Metainfo that is malformed, inconsistent, unsafe or unsupported; the message says which and where. */
public class MetainfoException extends Exception {

    private static final long serialVersionUID = 1L;

    public MetainfoException(String message) {
        super(message);
    }

    public MetainfoException(String message, Throwable cause) {
        super(message, cause);
    }
}
