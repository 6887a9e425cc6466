package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;

class MerkleRelaySamplerTest {
    private static final List<Ed25519KeyPair> AUTHORITIES = TestRelays.authorities(3);
    private static final AuthoritySet SET = TestRelays.authoritySet(AUTHORITIES);
    private static final List<SignedRelayDescriptor> RELAYS = TestRelays.pool().subList(0, 200);
    private static final MerkleDirectory DIRECTORY = TestRelays.directory(RELAYS, AUTHORITIES);

    private static MerkleRelaySampler sampler(List<DirectoryQueries> directories, long seed) {
        return new MerkleRelaySampler(SET, directories, new SplittableRandom(seed), TestRelays.CLOCK,
                TestRelays.PARSER, MerkleRelaySampler.DEFAULT_MAX_DRAWS);
    }

    private static RelayDescriptor pick(MerkleRelaySampler sampler, RelayRole role, PathConstraints constraints) {
        return sampler.pick(role, constraints).toCompletableFuture().join();
    }

    private static DirectoryException failure(MerkleRelaySampler sampler, RelayRole role, PathConstraints c) {
        CompletionException e = assertThrows(CompletionException.class, () -> pick(sampler, role, c));
        return assertInstanceOf(DirectoryException.class, e.getCause());
    }

    @Test
    void picksCarryTheRoleFlagsAndAreTheRelayTheNumberSelects() {
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = sampler(List.of(honest), 1);
        for (RelayRole role : RelayRole.values()) {
            for (int i = 0; i < 30; i++) {
                RelayDescriptor relay = pick(sampler, role, PathConstraints.none());
                assertTrue(relay.flags().containsAll(role.requiredFlags()), role + " pick lacks flags " + relay.flags());
                long x = honest.asked.get(honest.asked.size() - 1);
                RelayMerkleTree tree = DIRECTORY.tree(role);
                assertArrayEquals(tree.ranges().relay(tree.ranges().indexOf(x)).descriptor().identity(),
                        relay.identity());
            }
        }
        assertTrue(sampler.badDirectories().isEmpty());
    }

    @Test
    void aLyingDirectoryIsMarkedBadAndTheSameNumberIsAskedOfAnother() {
        TestDirectories.Liar liar = new TestDirectories.Liar("liar", DIRECTORY);
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = sampler(List.of(liar, honest), 2);
        for (int i = 0; i < 20; i++) {
            pick(sampler, RelayRole.MIDDLE, PathConstraints.none());
            if (!liar.asked.isEmpty() && i == 0) {
                assertEquals(liar.asked.get(0), honest.asked.get(0),
                        "after a lie the same number goes to another directory: re-drawing would let liars veto picks");
            }
        }
        assertEquals(1, liar.asked.size(), "a directory caught lying is never asked again");
        assertEquals(Set.of("liar"), sampler.badDirectories());
        assertEquals(20, honest.asked.size());
    }

    @Test
    void whenEveryDirectoryLiesThePickFails() {
        MerkleRelaySampler sampler = sampler(List.of(new TestDirectories.Liar("a", DIRECTORY),
                new TestDirectories.Liar("b", DIRECTORY)), 3);
        DirectoryException e = failure(sampler, RelayRole.GUARD, PathConstraints.none());
        assertTrue(e.getMessage().contains("no directory left"), e.getMessage());
        assertEquals(Set.of("a", "b"), sampler.badDirectories());
    }

    @Test
    void marksExpireAndAreForgottenWhenEveryDirectoryIsMarked() {
        TestDirectories.ManualClock clock = new TestDirectories.ManualClock(TestRelays.NOW);
        TestDirectories.Liar liar = new TestDirectories.Liar("liar", DIRECTORY);
        MerkleRelaySampler sampler = new MerkleRelaySampler(SET, List.of(liar), new SplittableRandom(9), clock,
                new RelayDescriptorParser(clock, Duration.ofMinutes(10)), 4);
        failure(sampler, RelayRole.MIDDLE, PathConstraints.none());
        assertEquals(Set.of("liar"), sampler.badDirectories());
        int asked = liar.asked.size();
        // Every directory is marked: the marks are forgotten and the liar is asked again (and caught again).
        failure(sampler, RelayRole.MIDDLE, PathConstraints.none());
        assertTrue(liar.asked.size() > asked, "asked again once every directory was marked");
        assertEquals(Set.of("liar"), sampler.badDirectories());
        clock.now = clock.now.plus(BadDirectories.DEFAULT_MARK);
        assertTrue(sampler.badDirectories().isEmpty(), "marks expire");
    }

    @Test
    void anUnreachableDirectoryIsSkippedButNotMarkedBad() {
        TestDirectories.Down down = new TestDirectories.Down("down");
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = sampler(List.of(down, honest), 4);
        for (int i = 0; i < 10; i++) {
            pick(sampler, RelayRole.MIDDLE, PathConstraints.none());
        }
        assertTrue(down.calls > 0);
        assertTrue(sampler.badDirectories().isEmpty());
        assertEquals(10, honest.asked.size());
    }

    @Test
    void aHeaderWithoutMajorityMarksItsDirectoryBad() {
        MerkleConsensus consensus = MerkleConsensus.build(RELAYS, TestRelays.NOW.minusSeconds(60),
                TestRelays.NOW.plusSeconds(60));
        MerkleDirectory underSigned = consensus.serve(List.of(consensus.header().sign(AUTHORITIES.get(0))));
        TestDirectories.Honest forger = new TestDirectories.Honest("forger", underSigned);
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = sampler(List.of(forger, honest), 5);
        for (int i = 0; i < 5; i++) {
            pick(sampler, RelayRole.MIDDLE, PathConstraints.none());
        }
        assertEquals(Set.of("forger"), sampler.badDirectories());
        VerifiedHeader header = sampler.header().toCompletableFuture().join();
        assertArrayEquals(DIRECTORY.header().header().consensusId(), header.consensusId());
    }

    @Test
    void anExpiredHeaderIsReplacedAndAnswersForItAreRefused() {
        TestDirectories.ManualClock clock = new TestDirectories.ManualClock(TestRelays.NOW);
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = sampler(honest, clock, 6);
        pick(sampler, RelayRole.MIDDLE, PathConstraints.none());
        byte[] first = sampler.header().toCompletableFuture().join().consensusId();

        clock.now = DIRECTORY.header().header().validUntil();
        DirectoryException e = failure(sampler, RelayRole.MIDDLE, PathConstraints.none());
        assertTrue(e.getMessage().contains("valid header"), e.getMessage());
        assertTrue(sampler.badDirectories().isEmpty(), "an expired header is no lie: skipped, not marked");

        TestDirectories.Honest fresh = new TestDirectories.Honest("fresh",
                TestRelays.directory(RELAYS, AUTHORITIES, clock.now, clock.now.plusSeconds(3600)));
        MerkleRelaySampler renewed = sampler(fresh, clock, 6);
        pick(renewed, RelayRole.MIDDLE, PathConstraints.none());
        assertFalse(java.util.Arrays.equals(first, renewed.header().toCompletableFuture().join().consensusId()));
    }

    /** A consensus of {@code relays} valid for three 10-s voting intervals from {@code validAfter} (the testnet's). */
    private static MerkleDirectory directoryFrom(List<SignedRelayDescriptor> relays, java.time.Instant validAfter) {
        return TestRelays.directory(relays, AUTHORITIES, validAfter, validAfter.plusSeconds(30));
    }

    private static MerkleRelaySampler sampler(TestDirectories.Honest directory, java.time.Clock clock, long seed) {
        return new MerkleRelaySampler(SET, List.of(directory), new SplittableRandom(seed), clock,
                new RelayDescriptorParser(clock, Duration.ofMinutes(10)), 8);
    }

    /**
     * The first consensus of a young network may list no guard (relays were still uploading when it was voted). The
     * sampler keeps it while it is the freshest; once the next is due, a failing pick fetches the header at once
     * (not at the scheduled time, nor at valid-until), at most once per quarter interval while nothing newer is out.
     */
    @Test
    void aHeaderThatCannotServeAPickIsReplacedOnceTheNextIsOut() {
        java.time.Instant t0 = TestRelays.NOW;
        TestDirectories.ManualClock clock = new TestDirectories.ManualClock(t0.plusSeconds(1));
        List<SignedRelayDescriptor> noGuards = RELAYS.stream()
                .filter(r -> !r.descriptor().flags().contains(RelayFlag.GUARD)).toList();
        TestDirectories.Honest directory = new TestDirectories.Honest("d", directoryFrom(noGuards, t0));
        MerkleRelaySampler sampler = sampler(directory, clock, 21);

        pick(sampler, RelayRole.MIDDLE, PathConstraints.none());
        assertTrue(failure(sampler, RelayRole.GUARD, PathConstraints.none()).getMessage().contains("no relay"));
        assertEquals(1, directory.headersServed.get(), "the freshest header is kept after a failing pick");

        clock.now = t0.plusSeconds(10); // fresh-until: the next consensus is due, not out yet
        assertTrue(sampler.nextHeaderFetch().orElseThrow().isAfter(clock.now), "seed: the schedule must not be due");
        failure(sampler, RelayRole.GUARD, PathConstraints.none());
        assertEquals(2, directory.headersServed.get(), "a failing pick past fresh-until fetches the header");
        failure(sampler, RelayRole.GUARD, PathConstraints.none());
        assertEquals(2, directory.headersServed.get(), "not again within a quarter interval");

        directory.directory = directoryFrom(RELAYS, t0.plusSeconds(10));
        clock.now = t0.plusMillis(12_500);
        assertTrue(sampler.nextHeaderFetch().orElseThrow().isAfter(clock.now), "seed: the schedule must not be due");
        failure(sampler, RelayRole.GUARD, PathConstraints.none());
        assertEquals(3, directory.headersServed.get());
        RelayDescriptor guard = pick(sampler, RelayRole.GUARD, PathConstraints.none());
        assertTrue(guard.flags().contains(RelayFlag.GUARD));
        assertEquals(t0.plusSeconds(10), sampler.header().toCompletableFuture().join().header().validAfter());
    }

    /**
     * Directories answer find only for the consensus they hold. A sampler fetches the next header soon after it is
     * out (in the half interval after fresh-until), so its picks then ask for the current consensus; one that picks
     * before its schedule asks for the old one, is refused and recovers by fetching the header (the fallback).
     */
    @Test
    void theNextHeaderIsFetchedSoonAfterItIsOutSoPicksDoNotAskForAnOldOne() {
        java.time.Instant t0 = TestRelays.NOW;
        TestDirectories.ManualClock clock = new TestDirectories.ManualClock(t0.plusSeconds(1));
        TestDirectories.Honest early = new TestDirectories.Honest("early", directoryFrom(RELAYS, t0));
        TestDirectories.Honest scheduled = new TestDirectories.Honest("scheduled", directoryFrom(RELAYS, t0));
        MerkleRelaySampler picksEarly = sampler(early, clock, 22);
        MerkleRelaySampler picksOnSchedule = sampler(scheduled, clock, 23);
        pick(picksEarly, RelayRole.MIDDLE, PathConstraints.none());
        pick(picksOnSchedule, RelayRole.MIDDLE, PathConstraints.none());
        java.time.Instant due = picksOnSchedule.nextHeaderFetch().orElseThrow();
        assertFalse(due.isBefore(t0.plusSeconds(10)), "not before fresh-until: " + due);
        assertTrue(due.isBefore(t0.plusSeconds(15)), "within half an interval of it: " + due);

        clock.now = t0.plusSeconds(10);
        MerkleDirectory next = directoryFrom(RELAYS, t0.plusSeconds(10));
        early.directory = next;
        scheduled.directory = next;
        pick(picksEarly, RelayRole.MIDDLE, PathConstraints.none());
        assertEquals(1, early.findsRefused.get(), "asked for the old consensus, refused, then fetched the header");
        assertEquals(2, early.headersServed.get());

        clock.now = due;
        pick(picksOnSchedule, RelayRole.MIDDLE, PathConstraints.none());
        assertEquals(0, scheduled.findsRefused.get(), "the header was fetched before the pick asked");
        assertEquals(2, scheduled.headersServed.get());
        for (MerkleRelaySampler sampler : List.of(picksEarly, picksOnSchedule)) {
            assertEquals(t0.plusSeconds(10), sampler.header().toCompletableFuture().join().header().validAfter());
        }
    }

    @Test
    void constraintsAreHonouredByRedrawing() {
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = sampler(List.of(honest), 7);
        // Exclude the five heaviest middle relays: together a large share of the weight.
        RelayMerkleTree tree = DIRECTORY.tree(RelayRole.MIDDLE);
        List<RelayDescriptor> byWeight = new ArrayList<>();
        tree.ranges().relays().forEach(r -> byWeight.add(r.descriptor()));
        byWeight.sort((a, b) -> Long.compare(b.weight(), a.weight()));
        Set<RelayDescriptor.Key> excluded = new HashSet<>();
        byWeight.subList(0, 5).forEach(r -> excluded.add(r.identityKey()));
        PathConstraints constraints = new PathConstraints(List.of(), true, excluded);
        for (int i = 0; i < 200; i++) {
            assertFalse(excluded.contains(pick(sampler, RelayRole.MIDDLE, constraints).identityKey()));
        }
        assertTrue(honest.asked.size() > 200, "some picks were re-drawn: " + honest.asked.size());
    }

    @Test
    void familiesAreAvoided() {
        Ed25519KeyPair a = TestRelays.key(500);
        Ed25519KeyPair b = TestRelays.key(501);
        Set<RelayFlag> flags = EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID);
        // A family counts only when both relays declare it (RelayDescriptor.sameFamily, tor's rule).
        RelayDescriptor ad = TestRelays.relay(a, 1_000_000, flags).descriptor();
        SignedRelayDescriptor first = RelayDescriptorDocument.sign(new RelayDescriptor(ad.identity(),
                ad.ntorOnionKey(), ad.orAddresses(), ad.bandwidthObserved(), 0,
                Set.of(new RelayDescriptor.Key(b.publicKey())), ad.version(), flags, ad.published()), a);
        RelayDescriptor bd = TestRelays.relay(b, 1_000_000, flags).descriptor();
        SignedRelayDescriptor sibling = RelayDescriptorDocument.sign(new RelayDescriptor(bd.identity(),
                bd.ntorOnionKey(), bd.orAddresses(), bd.bandwidthObserved(), 0,
                Set.of(new RelayDescriptor.Key(a.publicKey())), bd.version(), flags, bd.published()), b);
        SignedRelayDescriptor stranger = TestRelays.relay(TestRelays.key(502), 1_000_000, flags);
        MerkleDirectory directory = TestRelays.directory(List.of(first, sibling, stranger), AUTHORITIES);
        MerkleRelaySampler sampler = sampler(List.of(new TestDirectories.Honest("d", directory)), 8);
        PathConstraints afterFirst = PathConstraints.none().with(first.descriptor());
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(stranger.descriptor().identity(), pick(sampler, RelayRole.MIDDLE, afterFirst).identity());
        }
    }

    @Test
    void unsatisfiableConstraintsFailAfterTheDrawLimit() {
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = new MerkleRelaySampler(SET, List.of(honest), new SplittableRandom(9),
                TestRelays.CLOCK, TestRelays.PARSER, 5);
        Set<RelayDescriptor.Key> everyone = new HashSet<>();
        RELAYS.forEach(r -> everyone.add(r.descriptor().identityKey()));
        DirectoryException e = failure(sampler, RelayRole.GUARD, new PathConstraints(List.of(), true, everyone));
        assertTrue(e.getMessage().contains("5 draws"), e.getMessage());
        assertEquals(5, honest.asked.size());
    }

    @Test
    void aRoleWithoutRelaysFails() {
        Set<RelayFlag> flags = EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID);
        MerkleDirectory directory = TestRelays.directory(List.of(TestRelays.relay(TestRelays.key(600), 5, flags)),
                AUTHORITIES);
        MerkleRelaySampler sampler = sampler(List.of(new TestDirectories.Honest("d", directory)), 10);
        assertTrue(failure(sampler, RelayRole.HSDIR, PathConstraints.none()).getMessage().contains("no relay"));
    }

    /** The HSDir ring needs every HSDir: walking the ranges lists exactly the tree's relays, each proven. */
    @Test
    void walkingARoleTreeListsEveryRelayOfItInTreeOrderDespiteALiar() {
        TestDirectories.Liar liar = new TestDirectories.Liar("liar", DIRECTORY);
        TestDirectories.Honest honest = new TestDirectories.Honest("honest", DIRECTORY);
        MerkleRelaySampler sampler = sampler(List.of(liar, honest), 5);
        for (RelayRole role : RelayRole.values()) {
            List<RelayDescriptor> listed = sampler.relays(role, 1000).toCompletableFuture().join();
            RelayMerkleTree tree = DIRECTORY.tree(role);
            assertEquals(tree.size(), listed.size(), role + ": one entry per leaf");
            for (int i = 0; i < tree.size(); i++) {
                assertArrayEquals(tree.ranges().relay(i).descriptor().identity(), listed.get(i).identity(),
                        role + " leaf " + i);
            }
        }
        assertEquals(Set.of("liar"), sampler.badDirectories(), "the liar was caught on its first answer");
        int asked = honest.asked.size();
        sampler.relays(RelayRole.HSDIR, 1000).toCompletableFuture().join();
        assertEquals(asked, honest.asked.size(), "the list is kept for the consensus");
    }

    @Test
    void aRoleTreeLargerThanTheCapIsNotWalked() {
        MerkleRelaySampler sampler = sampler(List.of(new TestDirectories.Honest("honest", DIRECTORY)), 6);
        CompletionException e = assertThrows(CompletionException.class,
                () -> sampler.relays(RelayRole.MIDDLE, 10).toCompletableFuture().join());
        DirectoryException cause = assertInstanceOf(DirectoryException.class, e.getCause());
        assertTrue(cause.getMessage().contains("more than 10"), cause.getMessage());
    }
}
