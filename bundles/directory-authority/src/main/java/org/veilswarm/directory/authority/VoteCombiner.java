package org.veilswarm.directory.authority;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.SignedConsensus;

/**
 * Combines the authorities' votes into the consensus (docs/protocols/directory-consensus.md §3; after Tor's
 * dir-spec §3.8 consensus method, simplified). Deterministic: every authority holding the same votes computes
 * the same bytes, so their signatures combine.
 *
 * <ul>
 * <li>A vote counts when it is for this period, carries exactly one signature, by a configured authority,
 * that verifies under the vote domain; one vote per authority (a second, different one from the same authority voids both).</li>
 * <li>At least a strict majority of the configured authorities must have voted.</li>
 * <li>A relay is listed when a strict majority of the configured authorities list it.</li>
 * <li>Its descriptor is the one most votes carry; ties go to the newest published, then the greatest bytes.</li>
 * <li>A flag is assigned when more than half of the votes listing the relay assign it.</li>
 * <li>Its weight is the low median of the listing votes' weights (one authority cannot move it alone).</li>
 * </ul>
 */
public final class VoteCombiner {
    private VoteCombiner() {
    }

    public static ConsensusDocument combine(List<SignedConsensus> votes, AuthoritySet authorities, Instant validAfter,
            Instant validUntil) throws DirectoryException {
        Map<RelayDescriptor.Key, SignedConsensus> byAuthority = new LinkedHashMap<>();
        Set<RelayDescriptor.Key> equivocating = new java.util.HashSet<>();
        for (SignedConsensus vote : votes) {
            if (!vote.document().validAfter().equals(validAfter) || !vote.document().validUntil().equals(validUntil)) {
                continue;
            }
            Optional<RelayDescriptor.Key> signer = authorities.voteSigner(vote);
            if (signer.isEmpty()) {
                continue;
            }
            SignedConsensus earlier = byAuthority.putIfAbsent(signer.get(), vote);
            if (earlier != null && !earlier.document().equals(vote.document())) {
                equivocating.add(signer.get());
            }
        }
        equivocating.forEach(byAuthority::remove);
        int required = authorities.required();
        if (byAuthority.size() < required) {
            throw new DirectoryException(byAuthority.size() + " valid votes for " + validAfter + ", need " + required);
        }
        Map<RelayDescriptor.Key, List<ConsensusEntry>> listings = new HashMap<>();
        for (SignedConsensus vote : byAuthority.values()) {
            for (ConsensusEntry e : vote.document().entries()) {
                listings.computeIfAbsent(e.identity(), k -> new ArrayList<>()).add(e);
            }
        }
        List<ConsensusEntry> consensus = new ArrayList<>();
        for (List<ConsensusEntry> listing : listings.values()) {
            if (listing.size() >= required) {
                consensus.add(combine(listing));
            }
        }
        return new ConsensusDocument(validAfter, validUntil, consensus);
    }

    private static ConsensusEntry combine(List<ConsensusEntry> listing) {
        Map<SignedRelayDescriptor, Integer> documents = new HashMap<>();
        listing.forEach(e -> documents.merge(e.signed(), 1, Integer::sum));
        SignedRelayDescriptor chosen = null;
        for (Map.Entry<SignedRelayDescriptor, Integer> candidate : documents.entrySet()) {
            if (chosen == null || better(candidate.getKey(), candidate.getValue(), chosen, documents.get(chosen))) {
                chosen = candidate.getKey();
            }
        }
        Set<RelayFlag> flags = EnumSet.noneOf(RelayFlag.class);
        for (RelayFlag flag : RelayFlag.values()) {
            long votesFor = listing.stream().filter(e -> e.flags().contains(flag)).count();
            if (votesFor * 2 > listing.size()) {
                flags.add(flag);
            }
        }
        long[] weights = listing.stream().mapToLong(ConsensusEntry::weight).sorted().toArray();
        long lowMedian = weights[(weights.length - 1) / 2];
        return new ConsensusEntry(chosen, flags, lowMedian);
    }

    private static boolean better(SignedRelayDescriptor a, int aVotes, SignedRelayDescriptor b, int bVotes) {
        if (aVotes != bVotes) {
            return aVotes > bVotes;
        }
        int byTime = a.descriptor().published().compareTo(b.descriptor().published());
        if (byTime != 0) {
            return byTime > 0;
        }
        return Arrays.compareUnsigned(a.document(), b.document()) > 0;
    }
}
