package org.veilswarm.directory.core;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.crypto.Ed25519;

/**
 * The configured directory authorities, by Ed25519 key, and the rule for trusting a header: signatures from a
 * strict majority of them (as dir-spec §3.4.1 has clients require more than half of the authorities).
 * Signatures by keys outside the set are ignored, so adding or retiring an authority does not break
 * clients still configured with the old set.
 */
public final class AuthoritySet {
    private final Set<RelayDescriptor.Key> authorities;

    public AuthoritySet(Set<RelayDescriptor.Key> authorities) {
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("at least one authority");
        }
        if (authorities.size() > SignedMerkleHeader.MAX_SIGNATURES) {
            throw new IllegalArgumentException("at most " + SignedMerkleHeader.MAX_SIGNATURES + " authorities");
        }
        this.authorities = Set.copyOf(authorities);
    }

    public Set<RelayDescriptor.Key> authorities() {
        return authorities;
    }

    /** floor(n / 2) + 1. */
    public int required() {
        return authorities.size() / 2 + 1;
    }

    /** Decodes and verifies; malformed bytes give {@link HeaderVerification.Outcome#MALFORMED}. */
    public HeaderVerification verify(byte[] encoded, Instant now) {
        SignedMerkleHeader signed;
        try {
            signed = SignedMerkleHeader.decode(encoded);
        } catch (HeaderException e) {
            return HeaderVerification.rejected(HeaderVerification.Outcome.MALFORMED, e.getMessage(), 0, required());
        }
        return verify(signed, now);
    }

    /** Checks signatures first (a forged header reports its signatures), then the validity period. */
    public HeaderVerification verify(SignedMerkleHeader signed, Instant now) {
        Set<RelayDescriptor.Key> seen = new HashSet<>();
        for (HeaderSignature s : signed.signatures()) {
            if (!seen.add(s.authority())) {
                return HeaderVerification.rejected(HeaderVerification.Outcome.DUPLICATE_SIGNATURE,
                        "authority " + s.authority() + " signed twice", 0, required());
            }
        }
        byte[] hash = signed.header().signedHash();
        Set<RelayDescriptor.Key> valid = new LinkedHashSet<>();
        Set<RelayDescriptor.Key> unknown = new LinkedHashSet<>();
        Set<RelayDescriptor.Key> bad = new LinkedHashSet<>();
        for (HeaderSignature s : signed.signatures()) {
            if (!authorities.contains(s.authority())) {
                unknown.add(s.authority());
            } else if (Ed25519.verify(s.authority().bytes(), hash, s.signature())) {
                valid.add(s.authority());
            } else {
                bad.add(s.authority());
            }
        }
        Set<RelayDescriptor.Key> missing = new LinkedHashSet<>(authorities);
        missing.removeAll(valid);
        MerkleHeader h = signed.header();
        HeaderVerification.Outcome outcome;
        String detail;
        if (valid.size() < required()) {
            outcome = HeaderVerification.Outcome.NO_MAJORITY;
            detail = valid.size() + " valid signatures of " + authorities.size() + " authorities, need " + required()
                    + " (" + missing.size() + " missing, " + bad.size() + " bad, " + unknown.size() + " unknown)";
        } else if (now.isBefore(h.validAfter())) {
            outcome = HeaderVerification.Outcome.NOT_YET_VALID;
            detail = "valid after " + h.validAfter() + ", now " + now;
        } else if (!now.isBefore(h.validUntil())) {
            outcome = HeaderVerification.Outcome.EXPIRED;
            detail = "valid until " + h.validUntil() + ", now " + now;
        } else {
            outcome = HeaderVerification.Outcome.ACCEPTED;
            detail = valid.size() + " of " + authorities.size() + " authorities signed";
        }
        Optional<VerifiedHeader> header = outcome == HeaderVerification.Outcome.ACCEPTED
                ? Optional.of(new VerifiedHeader(signed)) : Optional.empty();
        return new HeaderVerification(outcome, detail, valid.size(), required(), missing, unknown, bad, header);
    }
}
