package org.veilswarm.directory.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;

/**
 * The result of checking a signed header against the configured authorities.
 *
 * @param outcome the verdict
 * @param detail one line for logs
 * @param validSignatures distinct configured authorities whose signature verified
 * @param required the strict majority needed: floor(authorities / 2) + 1
 * @param missing configured authorities without a (valid) signature
 * @param unknownAuthorities signers that are not configured authorities (ignored, not counted)
 * @param badSignatures configured authorities whose signature did not verify (not counted)
 * @param header the trusted header, present only when {@code outcome} is {@link Outcome#ACCEPTED}
 */
public record HeaderVerification(Outcome outcome, String detail, int validSignatures, int required,
        Set<RelayDescriptor.Key> missing, Set<RelayDescriptor.Key> unknownAuthorities,
        Set<RelayDescriptor.Key> badSignatures, Optional<VerifiedHeader> header) {

    /** Verdicts, in the order the checks run. */
    public enum Outcome {
        /** Signed by a strict majority and valid now. */
        ACCEPTED,
        /** The bytes are not a well-formed header. */
        MALFORMED,
        /** One authority appears twice: the header is refused rather than counting it once or twice. */
        DUPLICATE_SIGNATURE,
        /** Fewer valid signatures from configured authorities than a strict majority. */
        NO_MAJORITY,
        /** Properly signed, but now is before valid-after. */
        NOT_YET_VALID,
        /** Properly signed, but now is at or after valid-until. */
        EXPIRED
    }

    public HeaderVerification {
        missing = Set.copyOf(missing);
        unknownAuthorities = Set.copyOf(unknownAuthorities);
        badSignatures = Set.copyOf(badSignatures);
        if (header.isPresent() != (outcome == Outcome.ACCEPTED)) {
            throw new IllegalArgumentException("a header goes with ACCEPTED and only with it");
        }
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }

    static HeaderVerification rejected(Outcome outcome, String detail, int valid, int required) {
        return new HeaderVerification(outcome, detail, valid, required, Set.of(), Set.of(), Set.of(), Optional.empty());
    }
}
