package org.veilswarm.transport.onion.hs.rend;

import java.time.Duration;

/**
 * The introduction was acknowledged but no RENDEZVOUS2 came within the timeout: the service did not
 * (or could not) reach the rendezvous point (rend-spec-v3 §3.4).
 */
public final class RendezvousTimeoutException extends OnionServiceConnectException {
    private static final long serialVersionUID = 1L;

    public RendezvousTimeoutException(Duration timeout) {
        super("no RENDEZVOUS2 within " + timeout.toMillis() + " ms", null);
    }
}
