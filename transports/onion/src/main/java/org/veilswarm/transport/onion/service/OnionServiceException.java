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
        /**
         * The network's last word for now (§3.2): every intro point of the descriptor refused the introduction
         * (INTRODUCE_ACK "service not recognized" or "bad format"), and no HSDir of the fetch set holds a
         * descriptor naming other intro points. The service is withdrawn, or its node is down or has not uploaded
         * its new intro points yet: asking again at once gives the same answer. A caller that expects the service
         * to be up (a node's tracker named by a share link) may ask again later.
         */
        INTRODUCTION_FAILED(Reason.REFUSED),
        /**
         * No introduction succeeded, but not because the service refused: an intro point could not be reached or
         * did not answer in time (relays on the way failing or still joining), or the service had moved its intro
         * points and the fresher descriptor's points failed too. Asking again may work.
         */
        INTRODUCTION_INTERRUPTED(Reason.OTHER),
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
