package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.crypto.Ed25519KeyPair;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusEntry;
import org.veilswarm.directory.core.RelayDescriptorParser;
import org.veilswarm.directory.core.SignedConsensus;

/** Votes as they arrive through {@link DirectoryAuthority#addVote} (docs/protocols/directory-consensus.md §3–§4). */
class AddVoteTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final Instant AFTER = NOW.plusSeconds(60);
    private static final Instant UNTIL = AFTER.plusSeconds(3600);
    private static final FlagPolicy QUICK = new FlagPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1, 1,
            1L << 30, Set.of(), Duration.ofHours(1));
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final RelayDescriptorParser PARSER = new RelayDescriptorParser(CLOCK, Duration.ofMinutes(5));
    private final List<Ed25519KeyPair> keys = List.of(Relays.key(100), Relays.key(101), Relays.key(102));
    private final AuthoritySet set;

    AddVoteTest() {
        Set<RelayDescriptor.Key> k = new HashSet<>();
        keys.forEach(key -> k.add(new RelayDescriptor.Key(key.publicKey())));
        set = new AuthoritySet(k);
    }

    private DirectoryAuthority authority(int i, int... relays) throws Exception {
        DirectoryAuthority a = new DirectoryAuthority(keys.get(i), set, QUICK, PARSER,
                relay -> CompletableFuture.completedFuture(null), CLOCK);
        for (int r : relays) {
            upload(a, r);
        }
        a.checkReachability().toCompletableFuture().join();
        return a;
    }

    private static void upload(DirectoryAuthority a, int relay) throws Exception {
        a.accept(Relays.relay(Relays.key(relay), 9000 + relay, 1_000_000, EnumSet.noneOf(RelayFlag.class), "0.1.0",
                NOW.minusSeconds(60)).document());
    }

    private static RelayDescriptor.Key relayKey(int n) {
        return new RelayDescriptor.Key(Relays.key(n).publicKey());
    }

    @Test
    void anAuthoritySendingTwoDifferentVotesIsLeftOutOfTheRound() throws Exception {
        DirectoryAuthority a = authority(0, 1, 2);
        a.vote(AFTER, UNTIL);
        DirectoryAuthority b = authority(1, 1);
        byte[] first = b.vote(AFTER, UNTIL).encode();
        upload(b, 2);
        b.checkReachability().toCompletableFuture().join();
        byte[] second = b.vote(AFTER, UNTIL).encode();

        a.addVote(first);
        a.addVote(first); // the same vote again is no equivocation
        DirectoryException e = assertThrows(DirectoryException.class, () -> a.addVote(second));
        assertTrue(e.getMessage().contains("two different votes"), e.getMessage());
        // Only A's own vote counts now: 1 of the 2 needed.
        DirectoryException none = assertThrows(DirectoryException.class, () -> a.computeConsensus(AFTER));
        assertTrue(none.getMessage().startsWith("1 valid votes"), none.getMessage());

        // With C's honest vote there is a majority again, without B: relay 2 (listed by A and B's second vote
        // only) is not in the consensus.
        a.addVote(authority(2, 1).vote(AFTER, UNTIL).encode());
        Set<RelayDescriptor.Key> listed = a.computeConsensus(AFTER).entries().stream().map(ConsensusEntry::identity)
                .collect(Collectors.toSet());
        assertEquals(Set.of(relayKey(1)), listed);
    }

    @Test
    void theVoteSignatureIsCheckedBeforeAnyDescriptorIsParsed() throws Exception {
        DirectoryAuthority a = authority(0, 1);
        a.vote(AFTER, UNTIL);
        byte[] vote = authority(1, 2).vote(AFTER, UNTIL).encode();
        // A byte inside the descriptor: both the relay's and the vote's signature break; the cheap check on the
        // raw vote answers first.
        vote[40] ^= 1;
        DirectoryException e = assertThrows(DirectoryException.class, () -> a.addVote(vote));
        assertTrue(e.getMessage().startsWith("vote refused before parsing"), e.getMessage());
        // A stranger's vote and a consensus-domain signature are refused the same way.
        DirectoryAuthority stranger = new DirectoryAuthority(Relays.key(999), new AuthoritySet(Set.of(
                new RelayDescriptor.Key(Relays.key(999).publicKey()))), QUICK, PARSER,
                relay -> CompletableFuture.completedFuture(null), CLOCK);
        DirectoryException s = assertThrows(DirectoryException.class,
                () -> a.addVote(stranger.vote(AFTER, UNTIL).encode()));
        assertTrue(s.getMessage().startsWith("vote refused before parsing"), s.getMessage());
        SignedConsensus honest = authority(2, 1).vote(AFTER, UNTIL);
        byte[] consensusSigned = honest.document().withSignatures(List.of(honest.document().sign(keys.get(2))))
                .encode();
        DirectoryException c = assertThrows(DirectoryException.class, () -> a.addVote(consensusSigned));
        assertTrue(c.getMessage().contains("does not verify"), c.getMessage());
        a.addVote(honest.encode());
    }
}
