package org.veilswarm.transport.onion.hs;

/** A descriptor that is refused; {@link #reason()} says why, the message says where. */
public final class DescriptorException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a descriptor is refused. */
    public enum Reason {
        /** Larger than the 50 KB HSDirs accept (rend-spec-v3 §2.4). */
        TOO_LARGE,
        /** Not the document format of §2.4/§2.5: syntax, missing/repeated/misplaced items, bad lengths. */
        MALFORMED,
        /** A certificate is of the wrong type, malformed, or signed by the wrong key. */
        BAD_CERTIFICATE,
        /** A certificate has expired. */
        EXPIRED_CERTIFICATE,
        /** The descriptor signature does not verify under the certified signing key. */
        BAD_SIGNATURE,
        /** Signed under a blinded key other than the one derived from the onion address for the period. */
        WRONG_BLINDED_KEY,
        /** An encryption layer's MAC does not match (§2.5.3): wrong key, period or tampering. */
        BAD_MAC,
        /** Client authorization is on and no auth-client entry opens with the given key (§2.5.1.3). */
        NOT_AUTHORIZED
    }

    private final Reason reason;

    public DescriptorException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
