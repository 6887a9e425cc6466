package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.SignedConsensus;

/** Combining votes (docs/protocols/directory-consensus.md §3). */
class VoteCombinerTest {
    private static final Instant AFTER = Instant.parse("2026-11-22T12:00:00Z");
    private static final Instant UNTIL = AFTER.plusSeconds(3600);
    private static final List<Ed25519KeyPair> AUTHORITIES = List.of(Relays.key(100), Relays.key(101),
            Relays.key(102), Relays.key(103), Relays.key(104));
    private static final AuthoritySet SET;

    static {
        Set<RelayDescriptor.Key> keys = new HashSet<>();
        AUTHORITIES.forEach(k -> keys.add(new RelayDescriptor.Key(k.publicKey())));
        SET = new AuthoritySet(keys);
    }

    private static final SignedRelayDescriptor A = relay(1, AFTER.minusSeconds(600));
    private static final SignedRelayDescriptor B = relay(2, AFTER.minusSeconds(600));
    private static final SignedRelayDescriptor B_NEWER = relay(2, AFTER.minusSeconds(300));

    private static SignedRelayDescriptor relay(int n, Instant published) {
        return Relays.relay(Relays.key(n), 9000 + n, 1_000_000, EnumSet.allOf(RelayFlag.class), "0.1.0", published);
    }

    private static SignedConsensus vote(int authority, ConsensusEntry... entries) {
        ConsensusDocument d = new ConsensusDocument(AFTER, UNTIL, List.of(entries));
        return d.withSignatures(List.of(d.signVote(AUTHORITIES.get(authority))));
    }

    private static ConsensusEntry entry(SignedRelayDescriptor d, long weight, RelayFlag... flags) {
        return new ConsensusEntry(d, flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags), weight);
    }

    private static ConsensusEntry find(ConsensusDocument d, SignedRelayDescriptor relay) {
        return d.entries().stream().filter(e -> e.signed().descriptor().sameRelay(relay.descriptor())).findFirst()
                .orElseThrow();
    }

    @Test
    void aRelayNeedsAMajorityOfAuthoritiesAndFlagsAMajorityOfItsListings() throws Exception {
        List<SignedConsensus> votes = List.of(
                vote(0, entry(A, 10, RelayFlag.RUNNING, RelayFlag.GUARD), entry(B, 5, RelayFlag.RUNNING)),
                vote(1, entry(A, 20, RelayFlag.RUNNING, RelayFlag.GUARD), entry(B, 5, RelayFlag.RUNNING)),
                vote(2, entry(A, 30, RelayFlag.RUNNING)),
                vote(3, entry(A, 1000, RelayFlag.RUNNING)));
        ConsensusDocument c = VoteCombiner.combine(votes, SET, AFTER, UNTIL);
        assertEquals(1, c.entries().size(), "B is listed by 2 of 5 authorities only");
        ConsensusEntry a = find(c, A);
        assertEquals(EnumSet.of(RelayFlag.RUNNING), a.flags(), "GUARD from 2 of 4 listings is not more than half");
        assertEquals(20, a.weight(), "low median of 10, 20, 30, 1000: one outlier moves nothing");
    }

    @Test
    void theDescriptorMostVotesCarryWinsThenTheNewest() throws Exception {
        ConsensusDocument mostVotes = VoteCombiner.combine(List.of(vote(0, entry(B, 1)), vote(1, entry(B, 1)),
                vote(2, entry(B_NEWER, 1))), SET, AFTER, UNTIL);
        assertEquals(B, find(mostVotes, B).signed());
        ConsensusDocument tie = VoteCombiner.combine(List.of(vote(0, entry(B, 1)), vote(1, entry(B_NEWER, 1)),
                vote(2, entry(B_NEWER, 1)), vote(3, entry(B, 1))), SET, AFTER, UNTIL);
        assertEquals(B_NEWER, find(tie, B).signed());
    }

    @Test
    void everyAuthorityComputesTheSameBytesWhateverTheOrder() throws Exception {
        List<SignedConsensus> votes = new ArrayList<>(List.of(vote(0, entry(A, 10), entry(B, 3)),
                vote(1, entry(A, 11), entry(B, 4)), vote(2, entry(A, 12), entry(B_NEWER, 5))));
        byte[] first = VoteCombiner.combine(votes, SET, AFTER, UNTIL).digest();
        java.util.Collections.reverse(votes);
        assertEquals(java.util.HexFormat.of().formatHex(first),
                java.util.HexFormat.of().formatHex(VoteCombiner.combine(votes, SET, AFTER, UNTIL).digest()));
    }

    @Test
    void forgedOtherPeriodAndEquivocatingVotesDoNotCount() {
        SignedConsensus honest0 = vote(0, entry(A, 1));
        SignedConsensus honest1 = vote(1, entry(A, 1));
        // A stranger's vote, and authority 2's name on a vote the stranger signed.
        ConsensusDocument d = new ConsensusDocument(AFTER, UNTIL, List.of(entry(A, 1)));
        Ed25519KeyPair stranger = Relays.key(999);
        SignedConsensus strangers = d.withSignatures(List.of(d.signVote(stranger)));
        SignedConsensus forged = d.withSignatures(List.of(new HeaderSignature(
                new RelayDescriptor.Key(AUTHORITIES.get(2).publicKey()), stranger.sign(d.voteDigest()))));
        // Authority 3 votes for another period; authority 4 sends two different votes.
        ConsensusDocument later = new ConsensusDocument(UNTIL, UNTIL.plusSeconds(3600), List.of(entry(A, 1)));
        SignedConsensus otherPeriod = later.withSignatures(List.of(later.signVote(AUTHORITIES.get(3))));
        SignedConsensus twice1 = vote(4, entry(A, 1));
        SignedConsensus twice2 = vote(4, entry(A, 2));
        DirectoryException e = assertThrows(DirectoryException.class, () -> VoteCombiner.combine(
                List.of(honest0, honest1, strangers, forged, otherPeriod, twice1, twice2), SET, AFTER, UNTIL));
        assertTrue(e.getMessage().startsWith("2 valid votes"), e.getMessage());
    }

    @Test
    void aConsensusSignatureDoesNotMakeAVote() {
        SignedConsensus honest0 = vote(0, entry(A, 1));
        SignedConsensus honest1 = vote(1, entry(A, 1));
        ConsensusDocument d = new ConsensusDocument(AFTER, UNTIL, List.of(entry(A, 1)));
        SignedConsensus consensusDomain = d.withSignatures(List.of(d.sign(AUTHORITIES.get(2))));
        DirectoryException e = assertThrows(DirectoryException.class, () -> VoteCombiner.combine(
                List.of(honest0, honest1, consensusDomain), SET, AFTER, UNTIL));
        assertTrue(e.getMessage().startsWith("2 valid votes"), e.getMessage());
    }
}
