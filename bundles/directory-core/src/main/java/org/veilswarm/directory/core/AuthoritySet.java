package org.veilswarm.directory.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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
        MerkleHeader h = signed.header();
        Tally t = tally(signed.signatures(), h.signedHash(), h.validAfter(), h.validUntil(), now);
        Optional<VerifiedHeader> header = t.outcome == HeaderVerification.Outcome.ACCEPTED
                ? Optional.of(new VerifiedHeader(signed)) : Optional.empty();
        return new HeaderVerification(t.outcome, t.detail, t.valid.size(), required(), t.missing, t.unknown, t.bad,
                header);
    }

    /**
     * Decodes (parsing every descriptor with {@code parser}) and verifies a signed consensus list; malformed
     * bytes give {@link HeaderVerification.Outcome#MALFORMED}.
     */
    public ConsensusVerification verifyConsensus(byte[] encoded, RelayDescriptorParser parser, Instant now) {
        SignedConsensus signed;
        try {
            signed = SignedConsensus.decode(encoded, parser);
        } catch (ConsensusException e) {
            return new ConsensusVerification(HeaderVerification.Outcome.MALFORMED, e.getMessage(), 0, required(),
                    Set.of(), Set.of(), Set.of(), Optional.empty());
        }
        return verify(signed, now);
    }

    /** The same majority and validity rules as for the merkle header, over the consensus digest. */
    public ConsensusVerification verify(SignedConsensus signed, Instant now) {
        ConsensusDocument d = signed.document();
        Tally t = tally(signed.signatures(), d.digest(), d.validAfter(), d.validUntil(), now);
        Optional<VerifiedConsensus> consensus = t.outcome == HeaderVerification.Outcome.ACCEPTED
                ? Optional.of(new VerifiedConsensus(signed)) : Optional.empty();
        return new ConsensusVerification(t.outcome, t.detail, t.valid.size(), required(), t.missing, t.unknown, t.bad,
                consensus);
    }

    /**
     * The authority whose vote this is: exactly one signature, by a configured authority, valid under the vote
     * domain ({@link ConsensusDocument#voteDigest()}). A vote is never a consensus and a consensus signature
     * never makes a vote (docs/protocols/directory-consensus.md §3).
     */
    public Optional<RelayDescriptor.Key> voteSigner(SignedConsensus vote) {
        if (vote.signatures().size() != 1) {
            return Optional.empty();
        }
        HeaderSignature s = vote.signatures().get(0);
        return authorities.contains(s.authority())
                && Ed25519.verify(s.authority().bytes(), vote.document().voteDigest(), s.signature())
                        ? Optional.of(s.authority()) : Optional.empty();
    }

    /**
     * The configured authority whose vote {@code encoded} is, checked on the raw bytes before anything is parsed
     * (a vote is the body, a count of 1, then one key and signature: docs/protocols/directory-consensus.md §3),
     * so a forged or stranger's vote costs one Ed25519 verification, not the parsing of every descriptor in it.
     * The caller still decodes the vote strictly afterwards.
     *
     * @throws ConsensusException when the bytes cannot be a vote or the signature is not a configured
     *         authority's valid vote signature
     */
    public RelayDescriptor.Key voteSignerOf(byte[] encoded) throws ConsensusException {
        int tail = 1 + SignedMerkleHeader.SIGNATURE_ENTRY_LENGTH;
        if (encoded.length > SignedConsensus.MAX_ENCODED_BYTES) {
            throw new ConsensusException(encoded.length + " bytes, at most " + SignedConsensus.MAX_ENCODED_BYTES);
        }
        if (encoded.length < ConsensusDocument.FIXED_LENGTH + tail) {
            throw new ConsensusException(encoded.length + " bytes are too short for a vote");
        }
        int bodyLength = encoded.length - tail;
        if (encoded[bodyLength] != 1) {
            throw new ConsensusException("a vote carries exactly one signature");
        }
        RelayDescriptor.Key key = new RelayDescriptor.Key(Arrays.copyOfRange(encoded, bodyLength + 1,
                bodyLength + 33));
        if (!authorities.contains(key)) {
            throw new ConsensusException("the vote is not signed by a configured authority");
        }
        if (!Ed25519.verify(key.bytes(), ConsensusDocument.voteDigestOfRawBody(encoded, bodyLength),
                Arrays.copyOfRange(encoded, bodyLength + 33, encoded.length))) {
            throw new ConsensusException("the vote signature of " + key + " does not verify");
        }
        return key;
    }

    private record Tally(HeaderVerification.Outcome outcome, String detail, Set<RelayDescriptor.Key> valid,
            Set<RelayDescriptor.Key> missing, Set<RelayDescriptor.Key> unknown, Set<RelayDescriptor.Key> bad) {
    }

    private Tally tally(List<HeaderSignature> signatures, byte[] hash, Instant validAfter, Instant validUntil,
            Instant now) {
        Set<RelayDescriptor.Key> seen = new HashSet<>();
        for (HeaderSignature s : signatures) {
            if (!seen.add(s.authority())) {
                return new Tally(HeaderVerification.Outcome.DUPLICATE_SIGNATURE, "authority " + s.authority()
                        + " signed twice", Set.of(), Set.of(), Set.of(), Set.of());
            }
        }
        Set<RelayDescriptor.Key> valid = new LinkedHashSet<>();
        Set<RelayDescriptor.Key> unknown = new LinkedHashSet<>();
        Set<RelayDescriptor.Key> bad = new LinkedHashSet<>();
        for (HeaderSignature s : signatures) {
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
        HeaderVerification.Outcome outcome;
        String detail;
        if (valid.size() < required()) {
            outcome = HeaderVerification.Outcome.NO_MAJORITY;
            detail = valid.size() + " valid signatures of " + authorities.size() + " authorities, need " + required()
                    + " (" + missing.size() + " missing, " + bad.size() + " bad, " + unknown.size() + " unknown)";
        } else if (now.isBefore(validAfter)) {
            outcome = HeaderVerification.Outcome.NOT_YET_VALID;
            detail = "valid after " + validAfter + ", now " + now;
        } else if (!now.isBefore(validUntil)) {
            outcome = HeaderVerification.Outcome.EXPIRED;
            detail = "valid until " + validUntil + ", now " + now;
        } else {
            outcome = HeaderVerification.Outcome.ACCEPTED;
            detail = valid.size() + " of " + authorities.size() + " authorities signed";
        }
        return new Tally(outcome, detail, valid, missing, unknown, bad);
    }
}
