package org.veilswarm.transport.onion.cert;

/** A certificate that cannot be parsed or does not verify; {@link #problem()} says which. */
public final class CertException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong with a certificate. */
    public enum Problem {
        /** Not a well-formed version-1 Ed25519 certificate (cert-spec §2.1). */
        MALFORMED,
        /** An extension this code does not know carries the AFFECTS_VALIDATION flag (cert-spec §2.2). */
        UNKNOWN_CRITICAL_EXTENSION,
        /** The certificate type or certified key type is not the one the caller needs. */
        WRONG_TYPE,
        /** Signed by (or naming as signer) a key other than the expected one. */
        WRONG_SIGNER,
        /** The Ed25519 signature does not verify. */
        BAD_SIGNATURE,
        /** The expiration date has passed. */
        EXPIRED
    }

    private final Problem problem;

    public CertException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
