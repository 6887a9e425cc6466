package org.veilswarm.directory.core;

import java.time.Instant;
import java.util.Objects;

import org.veilswarm.api.directory.RelayRole;

/**
 * A header that {@link AuthoritySet#verify} accepted: only that method creates one, so code holding a
 * {@code VerifiedHeader} cannot have skipped the majority check.
 */
public final class VerifiedHeader {
    private final SignedMerkleHeader signed;

    VerifiedHeader(SignedMerkleHeader signed) {
        this.signed = Objects.requireNonNull(signed, "signed");
    }

    public MerkleHeader header() {
        return signed.header();
    }

    public SignedMerkleHeader signed() {
        return signed;
    }

    public byte[] consensusId() {
        return signed.header().consensusId();
    }

    public RoleIndex index(RelayRole role) {
        return signed.header().index(role);
    }

    /** Whether {@code now} lies in [valid-after, valid-until). */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(header().validAfter()) && now.isBefore(header().validUntil());
    }

    @Override
    public String toString() {
        return "Verified" + signed.header();
    }
}
