package org.veilswarm.transport.onion.link;

/** Why a link handshake failed; the link is closed whenever this is raised. */
public final class LinkHandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The failure reasons, each a distinct cause an operator can act on. */
    public enum Reason {
        /** No TCP connection could be opened. */
        CONNECT_FAILED,
        /** TLS itself failed (handshake error, bad record). */
        TLS,
        /** A step did not finish in time. */
        TIMEOUT,
        /** The peer's VERSIONS cell shares no link protocol with ours (tor-spec §4.1). */
        NO_COMMON_VERSION,
        /** Bytes that are not a well-formed cell, e.g. garbage before VERSIONS (tor-spec §3, §4). */
        MALFORMED_CELL,
        /** A well-formed cell at a point of the handshake where it is not allowed. */
        UNEXPECTED_CELL,
        /** Certificates missing, malformed, wrongly signed or of the wrong type (tor-spec §4.2). */
        BAD_CERTIFICATES,
        /** A certificate in the chain has expired. */
        EXPIRED_CERTIFICATE,
        /** The type-5 certificate does not certify the certificate TLS presented. */
        TLS_CERTIFICATE_MISMATCH,
        /** The peer proved an identity other than the one we wanted to reach. */
        WRONG_IDENTITY,
        /** The AUTHENTICATE cell does not check out (tor-spec §4.4.2). */
        AUTHENTICATION_FAILED,
        /** The peer closed the connection before the handshake finished. */
        CLOSED
    }

    private final Reason reason;

    public LinkHandshakeException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public LinkHandshakeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
