package org.veilswarm.transport.onion.hs.rend;

/**
 * The rendezvous part failed: the circuit to the rendezvous point could not be built or established
 * (no RENDEZVOUS_ESTABLISHED), closed while waiting, or RENDEZVOUS2 failed the hs-ntor check.
 */
public final class RendezvousFailedException extends OnionServiceConnectException {
    private static final long serialVersionUID = 1L;

    public RendezvousFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
