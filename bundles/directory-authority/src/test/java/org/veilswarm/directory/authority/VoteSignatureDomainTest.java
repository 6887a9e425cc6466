package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.HeaderSignature;
import org.veilswarm.directory.core.HeaderVerification;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.SignedConsensus;

/**
 * Votes are public, so their signatures must never count as consensus signatures
 * (docs/protocols/directory-consensus.md §3): one malicious authority co-signing an honest vote gets no majority.
 */
class VoteSignatureDomainTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final FlagPolicy QUICK = new FlagPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, 1,
            1L << 30, Set.of(), Duration.ofHours(1));
    private final List<Ed25519KeyPair> keys = List.of(Relays.key(100), Relays.key(101), Relays.key(102));

    @Test
    void aMaliciousAuthorityCoSigningAnHonestVoteGetsNoMajority() throws Exception {
        Set<RelayDescriptor.Key> set = new HashSet<>();
        keys.forEach(k -> set.add(new RelayDescriptor.Key(k.publicKey())));
        AuthoritySet authorities = new AuthoritySet(set);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        RelayDescriptorParser parser = new RelayDescriptorParser(clock, Duration.ofMinutes(5));
        DirectoryAuthority honest = new DirectoryAuthority(keys.get(0), authorities, QUICK, parser,
                relay -> CompletableFuture.completedFuture(null), clock);
        honest.accept(Relays.relay(Relays.key(1), 9001, 1_000_000, EnumSet.noneOf(RelayFlag.class), "0.1.0",
                NOW.minusSeconds(60)).document());
        honest.checkReachability().toCompletableFuture().join();
        SignedConsensus vote = honest.vote(NOW, NOW.plusSeconds(3600));

        // The malicious authority downloads the public vote and adds its own consensus signature.
        List<HeaderSignature> signatures = new ArrayList<>(vote.signatures());
        signatures.add(vote.document().sign(keys.get(1)));
        SignedConsensus coSigned = vote.document().withSignatures(signatures);

        ConsensusVerification v = authorities.verifyConsensus(coSigned.encode(), parser, NOW.plusSeconds(1));
        assertEquals(HeaderVerification.Outcome.NO_MAJORITY, v.outcome(), v.toString());
        assertFalse(v.accepted());
        // The vote itself still verifies, as a vote only.
        assertTrue(authorities.voteSigner(vote).isPresent());
        assertEquals(HeaderVerification.Outcome.NO_MAJORITY,
                authorities.verify(vote, NOW.plusSeconds(1)).outcome());
    }
}
