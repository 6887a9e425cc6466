package org.veilswarm.directory.core;

import java.util.Optional;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;

/**
 * The result of checking a signed consensus against the configured authorities; the same rules and
 * outcomes as for the merkle header ({@link HeaderVerification.Outcome}).
 *
 * @param consensus the trusted list, present only when {@code outcome} is ACCEPTED
 */
public record ConsensusVerification(HeaderVerification.Outcome outcome, String detail, int validSignatures,
        int required, Set<RelayDescriptor.Key> missing, Set<RelayDescriptor.Key> unknownAuthorities,
        Set<RelayDescriptor.Key> badSignatures, Optional<VerifiedConsensus> consensus) {

    public ConsensusVerification {
        missing = Set.copyOf(missing);
        unknownAuthorities = Set.copyOf(unknownAuthorities);
        badSignatures = Set.copyOf(badSignatures);
        if (consensus.isPresent() != (outcome == HeaderVerification.Outcome.ACCEPTED)) {
            throw new IllegalArgumentException("a consensus goes with ACCEPTED and only with it");
        }
    }

    public boolean accepted() {
        return outcome == HeaderVerification.Outcome.ACCEPTED;
    }
}
