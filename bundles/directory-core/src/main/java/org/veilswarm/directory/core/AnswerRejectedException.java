package org.veilswarm.directory.core;

import org.veilswarm.api.directory.DirectoryException;

/**
 * A directory's {@code find} answer failed client-side verification; the directory lied or is broken and
 * should be marked bad (docs/protocols/directory-merkle.md §5).
 */
public final class AnswerRejectedException extends DirectoryException {
    private static final long serialVersionUID = 1L;

    /** What did not check out, in the order the verifier checks. */
    public enum Reason {
        /** Not a well-formed answer. */
        MALFORMED,
        /** The answer names another consensus than the verified header (stale or forged). */
        WRONG_CONSENSUS,
        /** The answer is for another role's tree than asked. */
        WRONG_ROLE,
        /** start >= end, or end beyond the role's bandwidth sum. */
        BAD_RANGE,
        /** The drawn number is outside the answer's range: not the relay the number selects. */
        NOT_IN_RANGE,
        /** The leaf index is not below the role's relay count. */
        BAD_INDEX,
        /** The sibling path has more or fewer hashes than the tree shape requires. */
        PATH_LENGTH,
        /** The leaf and siblings do not hash to the signed root. */
        ROOT_MISMATCH,
        /** The descriptor the root commits to does not parse or its relay signature fails. */
        BAD_DESCRIPTOR
    }

    private final Reason reason;

    public AnswerRejectedException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public AnswerRejectedException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
