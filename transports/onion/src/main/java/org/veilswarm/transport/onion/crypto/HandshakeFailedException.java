package org.veilswarm.transport.onion.crypto;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A circuit handshake failed. Fatal to the circuit being built (a relay answers with DESTROY, a
 * client abandons the circuit), never to the link.
 */
public final class HandshakeFailedException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** Why the handshake failed. */
    public enum Reason {
        /** A handshake message of the wrong length. */
        MALFORMED,
        /** The client named another relay's identity (NODEID) than ours. */
        UNKNOWN_IDENTITY,
        /** The client used an onion key (KEYID) we do not hold. */
        UNKNOWN_ONION_KEY,
        /** A Diffie-Hellman result was the point at infinity (all-zero shared secret, tor-spec §5.1.4). */
        DEGENERATE_KEY,
        /** The server's AUTH did not verify: wrong server, wrong key, or a tampered reply. */
        BAD_AUTH
    }

    private final Reason reason;

    public HandshakeFailedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public HandshakeFailedException(Reason reason, String message, Throwable cause) {
        this(reason, message);
        initCause(cause);
    }

    public Reason reason() {
        return reason;
    }
}
