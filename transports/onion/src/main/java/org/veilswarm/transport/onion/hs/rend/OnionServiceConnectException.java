package org.veilswarm.transport.onion.hs.rend;

/** Why a client could not reach an onion service through introduction and rendezvous. */
public abstract class OnionServiceConnectException extends Exception {
    private static final long serialVersionUID = 1L;

    OnionServiceConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
