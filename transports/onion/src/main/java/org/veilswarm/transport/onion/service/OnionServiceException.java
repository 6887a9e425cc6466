package org.veilswarm.transport.onion.service;

import org.veilswarm.api.transport.TransportException;

/**
 * Why publishing or reaching an onion service failed, finer than {@link TransportException.Reason}: each
 * {@link Failure} maps to the transport-level reason callers switch on, and names the step that failed.
 */
public final class OnionServiceException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** The step of rend-spec-v3 that failed. */
    public enum Failure {
        /** No directory is bound, or it cannot list HSDirs. */
        NO_DIRECTORY(Reason.UNSUPPORTED_ADDRESS),
        /** Every HSDir of the fetch set answered 404 (§2.2.6): the service is not published. */
        DESCRIPTOR_NOT_FOUND(Reason.NOT_FOUND),
        /**
         * The service restricts its descriptor to authorized clients (§2.5.1.2) and this client holds no key
         * for it, or a key that is not among them.
         */
        CLIENT_AUTHORIZATION_REQUIRED(Reason.REFUSED),
        /** A descriptor came but none opened and verified for the address (§2.5). */
        DESCRIPTOR_INVALID(Reason.PROTOCOL),
        /** No HSDir could be reached or answered in time. */
        HSDIR_UNREACHABLE(Reason.TIMEOUT),
        /** No introduction point accepted INTRODUCE1 (§3.2): the service is gone or its intro points are. */
        INTRODUCTION_FAILED(Reason.REFUSED),
        /** The service never answered at the rendezvous point (§3.3). */
        RENDEZVOUS_TIMEOUT(Reason.TIMEOUT),
        /** The rendezvous circuit failed or RENDEZVOUS2 did not verify. */
        RENDEZVOUS_FAILED(Reason.OTHER),
        /** The service refused the stream (no listener on the port). */
        STREAM_REFUSED(Reason.REFUSED),
        /** No path could be selected or built for a circuit. */
        NO_CIRCUIT(Reason.OTHER),
        /** Publishing: no intro point could be established or no HSDir stored the descriptor. */
        PUBLISH_FAILED(Reason.OTHER),
        /** The onion services (or the listener) were closed. */
        CLOSED(Reason.CLOSED);

        private final Reason reason;

        Failure(Reason reason) {
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private final Failure failure;

    public OnionServiceException(Failure failure, String message, Throwable cause) {
        super(failure.reason(), failure + ": " + message, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
