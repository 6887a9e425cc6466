package org.veilswarm.directory.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A consensus that {@link AuthoritySet#verify(SignedConsensus, Instant)} accepted: only that method creates
 * one, so code holding it cannot have skipped the majority check.
 */
public final class VerifiedConsensus {
    private final SignedConsensus signed;

    VerifiedConsensus(SignedConsensus signed) {
        this.signed = Objects.requireNonNull(signed, "signed");
    }

    public SignedConsensus signed() {
        return signed;
    }

    public ConsensusDocument document() {
        return signed.document();
    }

    public List<ConsensusEntry> entries() {
        return signed.document().entries();
    }

    /** Whether {@code now} lies in [valid-after, valid-until). */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(document().validAfter()) && now.isBefore(document().validUntil());
    }

    @Override
    public String toString() {
        return "Verified" + signed.document();
    }
}
