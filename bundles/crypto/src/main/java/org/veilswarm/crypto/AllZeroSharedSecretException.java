package org.veilswarm.crypto;

import java.security.GeneralSecurityException;

/**
 * An X25519 agreement produced the all-zero shared secret: the peer sent a small-order point.
 * The handshake must be aborted: RFC 7748 §6.1 allows the check, and tor-spec §5.1.4 (ntor)
 * requires that "none of the EXP() operations produced the point at infinity".
 */
public final class AllZeroSharedSecretException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public AllZeroSharedSecretException() {
        super("X25519 shared secret is all zeros: the peer's public key is a small-order point");
    }
}
