package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * Relay caches before bootstrap directories (directory-consensus.md §5.1): the choice per request, and the merkle
 * client's handling of directories that moved on to the next consensus and of a directory behind.
 */
class DirectoryTiersTest {
    private static final BadDirectories NONE_BAD = new BadDirectories(Duration.ofHours(1));

    @Test
    void cachesAreAskedFirstUpToTheLimitThenTheBootstrapDirectories() {
        List<String> caches = new CopyOnWriteArrayList<>(List.of("c1", "c2", "c3", "c4"));
        DirectoryTiers<String> tiers = new DirectoryTiers<>(() -> caches, List.of("a1", "a2"), Function.identity(), 2);
        SplittableRandom random = new SplittableRandom(5);
        BadDirectories bad = new BadDirectories(Duration.ofHours(1));
        bad.mark("c1", TestRelays.NOW);
        List<String> tried = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String next = tiers.choose(tried, bad, TestRelays.NOW, random);
            if (next == null) {
                break;
            }
            tried.add(next);
        }
        assertEquals(4, tried.size(), tried.toString());
        assertTrue(caches.containsAll(tried.subList(0, 2)), "two caches first: " + tried);
        assertTrue(!tried.contains("c1"), "a cache marked bad is not asked");
        assertEquals(List.of("a1", "a2"), tried.subList(2, 4).stream().sorted().toList(), "then the bootstrap tier");
        assertNull(tiers.choose(tried, bad, TestRelays.NOW, random), "nothing left");
        assertTrue(tiers.isCache("c2"));

        caches.clear();
        assertTrue(List.of("a1", "a2").contains(tiers.choose(new ArrayList<>(), NONE_BAD, TestRelays.NOW, random)),
                "no cache known: bootstrap at once");
        assertEquals("a1", DirectoryTiers.fixed(List.of("a1"), Function.<String>identity())
                .choose(new ArrayList<>(), NONE_BAD, TestRelays.NOW, random));
    }

    @Test
    void aCacheThatAnswersNothingIsSkippedForAWhileAnErrorStatusIsNot() {
        DirectoryTiers<String> tiers = new DirectoryTiers<>(() -> List.of("c1", "c2"), List.of("a1"),
                Function.identity(), 2, error -> error.getMessage().equals("stream refused"), Duration.ofMinutes(10));
        SplittableRandom random = new SplittableRandom(1);
        tiers.failed("c1", new IllegalStateException("404 no such consensus"), TestRelays.NOW);
        tiers.failed("a1", new IllegalStateException("stream refused"), TestRelays.NOW);
        assertEquals(0, tiers.skippedCaches(TestRelays.NOW), "an error status, and a bootstrap directory: not skipped");
        tiers.failed("c1", new IllegalStateException("stream refused"), TestRelays.NOW);
        assertEquals(1, tiers.skippedCaches(TestRelays.NOW));
        for (int i = 0; i < 20; i++) {
            assertEquals("c2", tiers.choose(new ArrayList<>(), NONE_BAD, TestRelays.NOW, random));
        }
        assertEquals("a1", tiers.choose(new ArrayList<>(List.of("c2")), NONE_BAD, TestRelays.NOW, random),
                "the skipped cache is not a second try");
        java.time.Instant later = TestRelays.NOW.plus(Duration.ofMinutes(10));
        assertEquals(0, tiers.skippedCaches(later));
        assertEquals("c1", tiers.choose(new ArrayList<>(List.of("c2")), NONE_BAD, later, random), "asked again later");
    }

    @Test
    void whenEveryDirectoryServesTheNextConsensusThePickFetchesTheHeaderAgain() throws Exception {
        List<Ed25519KeyPair> authorities = TestRelays.authorities(3);
        AuthoritySet set = TestRelays.authoritySet(authorities);
        List<SignedRelayDescriptor> relays = TestRelays.pool().subList(0, 20);
        MerkleDirectory current = TestRelays.directory(relays, authorities);
        MerkleDirectory next = signed(MerkleConsensus.build(relays, TestRelays.NOW.minusSeconds(600),
                TestRelays.NOW.plusSeconds(3000)), authorities);
        TestDirectories.Honest a = new TestDirectories.Honest("a", current);
        TestDirectories.Honest b = new TestDirectories.Honest("b", current);
        MerkleRelaySampler sampler = new MerkleRelaySampler(set, List.of(a, b), new SplittableRandom(2),
                TestRelays.CLOCK, TestRelays.PARSER, 4);
        sampler.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().get(5, TimeUnit.SECONDS);

        // Both directories moved on: the held header (still valid) is unknown to them, so they refuse every find.
        a.directory = next;
        b.directory = next;
        sampler.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertArrayEquals(next.header().header().consensusId(), sampler.header().toCompletableFuture().get()
                .consensusId(), "the pick went on with the next header");
        assertTrue(sampler.badDirectories().isEmpty(), "refusing an old consensus is no lie");

        // A directory behind serves the older header, still valid: never installed over the newer one.
        a.directory = current;
        b.directory = current;
        assertArrayEquals(next.header().header().consensusId(), sampler.header().toCompletableFuture().get()
                .consensusId());
        assertTrue(sampler.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().isCompletedExceptionally(),
                "directories behind cannot answer for the newer consensus, and the older header is refused");
    }

    private static MerkleDirectory signed(MerkleConsensus consensus, List<Ed25519KeyPair> signers) {
        List<HeaderSignature> signatures = new ArrayList<>();
        signers.forEach(k -> signatures.add(consensus.header().sign(k)));
        return consensus.serve(signatures);
    }
}
