package org.veilswarm.swarm.choker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.accounting.AccountingScheme;
import org.veilswarm.api.accounting.PeerRef;
import org.veilswarm.api.accounting.Ratio;
import org.veilswarm.api.accounting.Standing;
import org.veilswarm.api.accounting.Transfer;

/** The choker on a test clock (seconds given in nanoseconds) with seeded randomness. */
class ChokerTest {

    private static final long S = 1_000_000_000L;
    private static final long LONG_AGO = -1000 * S; // connected long before the test: not "new"

    private static Choker<String> choker(int slots, long seed) {
        return new Choker<>(ChokerConfig.DEFAULT.withRegularSlots(slots), new Random(seed));
    }

    /** Interested peers p0..p{n-1}; peer i uploads to us at {@code 1000 * (i + 1)} B/s and we to it at {@code 100 * (n - i)}. */
    private static List<ChokerPeer<String>> peers(int n) {
        List<ChokerPeer<String>> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(ChokerPeer.of("p" + i, true, 1000L * (i + 1), 100L * (n - i), LONG_AGO));
        }
        return list;
    }

    private static ChokerPeer<String> with(ChokerPeer<String> p, long down, long up) {
        return new ChokerPeer<>(p.id(), p.interested(), down, up, p.connectedAt(), p.accountingRef());
    }

    @Test
    void leechingTheFastestUploadersToUsGetTheRegularSlotsPlusOneOptimistic() {
        Choker<String> choker = choker(3, 1);
        Set<String> unchoked = choker.evaluate(peers(8), false, 0);
        assertEquals(4, unchoked.size());
        assertTrue(unchoked.containsAll(Set.of("p7", "p6", "p5")), unchoked.toString());
        String optimistic = choker.optimisticUnchoke().orElseThrow();
        assertFalse(Set.of("p7", "p6", "p5").contains(optimistic));
        assertTrue(unchoked.contains(optimistic));
    }

    @Test
    void seedingTheFastestDownloadersFromUsGetTheRegularSlots() {
        Choker<String> choker = choker(3, 1);
        Set<String> unchoked = choker.evaluate(peers(8), true, 0);
        assertTrue(unchoked.containsAll(Set.of("p0", "p1", "p2")), unchoked.toString());
    }

    @Test
    void regularSlotsHoldForTenSecondsThenFollowTheRates() {
        Choker<String> choker = choker(2, 2);
        List<ChokerPeer<String>> peers = peers(5);
        assertTrue(choker.evaluate(peers, false, 0).containsAll(Set.of("p4", "p3")));
        // p0 becomes the fastest; within the interval nothing is rechoked.
        List<ChokerPeer<String>> changed = new ArrayList<>(peers);
        changed.set(0, with(peers.get(0), 1_000_000, 0));
        Set<String> early = choker.evaluate(changed, false, 9 * S);
        assertTrue(early.containsAll(Set.of("p4", "p3")), early.toString());
        Set<String> regular = new HashSet<>(choker.evaluate(changed, false, 10 * S));
        regular.remove(choker.optimisticUnchoke().orElseThrow());
        assertEquals(Set.of("p0", "p4"), regular, "re-evaluated at 10 s");
    }

    @Test
    void theOptimisticUnchokeHoldsThirtySecondsAndRotatesThroughEveryone() {
        Choker<String> choker = choker(1, 3);
        List<ChokerPeer<String>> peers = peers(6); // p5 is regular; p0..p4 share the optimistic slot
        choker.evaluate(peers, false, 0);
        String first = choker.optimisticUnchoke().orElseThrow();
        for (long t = 1; t < 30; t++) {
            choker.evaluate(peers, false, t * S);
            assertEquals(first, choker.optimisticUnchoke().orElseThrow(), "held at " + t + " s");
        }
        Set<String> holders = new HashSet<>();
        for (int rotation = 1; rotation <= 60; rotation++) {
            choker.evaluate(peers, false, rotation * 30 * S);
            holders.add(choker.optimisticUnchoke().orElseThrow());
        }
        assertEquals(Set.of("p0", "p1", "p2", "p3", "p4"), holders);
    }

    @Test
    void newPeersAreThreeTimesAsLikelyToBeDrawnOptimistically() {
        Choker<String> choker = new Choker<>(ChokerConfig.DEFAULT.withRegularSlots(0), new Random(4));
        Map<String, Integer> draws = new HashMap<>();
        int rotations = 30_000;
        for (int r = 0; r < rotations; r++) {
            long now = r * 30 * S;
            List<ChokerPeer<String>> peers = List.of(
                    ChokerPeer.of("new", true, 0, 0, now - 5 * S),
                    ChokerPeer.of("old1", true, 0, 0, LONG_AGO),
                    ChokerPeer.of("old2", true, 0, 0, LONG_AGO),
                    ChokerPeer.of("old3", true, 0, 0, LONG_AGO));
            Set<String> unchoked = choker.evaluate(peers, false, now);
            assertEquals(1, unchoked.size());
            draws.merge(unchoked.iterator().next(), 1, Integer::sum);
        }
        // Weights 3:1:1:1 -> the new peer half the time, each old one a sixth.
        double newShare = draws.get("new") / (double) rotations;
        assertTrue(newShare > 0.48 && newShare < 0.52, "new peer drawn " + newShare + " of the time: " + draws);
        for (String old : List.of("old1", "old2", "old3")) {
            double share = draws.get(old) / (double) rotations;
            assertTrue(share > 0.15 && share < 0.183, old + " drawn " + share + ": " + draws);
        }
    }

    @Test
    void uninterestedPeersAreNeverUnchoked() {
        Choker<String> choker = choker(4, 5);
        List<ChokerPeer<String>> peers = List.of(ChokerPeer.of("fast but not interested", false, 1_000_000, 0, LONG_AGO),
                ChokerPeer.of("a", true, 10, 0, LONG_AGO), ChokerPeer.of("b", true, 5, 0, LONG_AGO));
        assertEquals(Set.of("a", "b"), choker.evaluate(peers, false, 0));
        assertEquals(Set.of(), choker.evaluate(List.of(peers.get(0)), false, S));
    }

    @Test
    void aSlotFreedBetweenRoundsGoesToTheBestWaitingPeerAtOnce() {
        Choker<String> choker = choker(2, 6);
        List<ChokerPeer<String>> peers = new ArrayList<>(peers(5)); // regular p4, p3
        choker.evaluate(peers, false, 0);
        String optimistic = choker.optimisticUnchoke().orElseThrow();
        peers.removeIf(p -> p.id().equals("p4")); // disconnects
        Set<String> after = choker.evaluate(peers, false, S);
        String expectedNewRegular = optimistic.equals("p2") ? "p1" : "p2"; // the best waiting peer
        assertTrue(after.containsAll(Set.of("p3", expectedNewRegular, optimistic)), after + ", optimistic " + optimistic);
        assertEquals(3, after.size());
        assertFalse(after.contains("p4"));
    }

    @Test
    void aDepartedOptimisticPeerIsReplacedImmediately() {
        Choker<String> choker = choker(1, 7);
        List<ChokerPeer<String>> peers = new ArrayList<>(peers(4));
        choker.evaluate(peers, false, 0);
        String optimistic = choker.optimisticUnchoke().orElseThrow();
        peers.removeIf(p -> p.id().equals(optimistic));
        choker.evaluate(peers, false, S);
        String next = choker.optimisticUnchoke().orElseThrow();
        assertTrue(!next.equals(optimistic) && !next.equals("p3"), next);
    }

    @Test
    void switchingToSeedingReEvaluatesAtOnce() {
        Choker<String> choker = choker(2, 8);
        List<ChokerPeer<String>> peers = peers(6);
        assertTrue(choker.evaluate(peers, false, 0).containsAll(Set.of("p5", "p4")));
        assertTrue(choker.evaluate(peers, true, S).containsAll(Set.of("p0", "p1")), "seeding ranks by upload rate");
    }

    /** A real, if tiny, scheme: standing from a table of credited peers. */
    private static final class TableScheme implements AccountingScheme {
        final Map<PeerRef, Standing> table = new HashMap<>();
        boolean broken;

        @Override
        public String name() {
            return "table";
        }

        @Override
        public void record(Transfer transfer) {
        }

        @Override
        public Standing standing(PeerRef peer) {
            if (broken) {
                throw new IllegalStateException("store unavailable");
            }
            return table.getOrDefault(peer, Standing.BASE);
        }

        @Override
        public Ratio ratio() {
            return new Ratio(0, 0, 0);
        }

        @Override
        public Optional<byte[]> proveContribution() {
            return Optional.empty();
        }

        @Override
        public Standing acceptContribution(PeerRef peer, byte[] proof) {
            return Standing.BASE;
        }
    }

    private static List<ChokerPeer<String>> peersWithRefs(int n) {
        return peers(n).stream().map(p -> new ChokerPeer<>(p.id(), true, p.downloadRate(), p.uploadRate(),
                p.connectedAt(), Optional.of(new PeerRef("ref-" + p.id())))).toList();
    }

    @Test
    void aBoundAccountingSchemeRanksByStandingFirstAndRatesBreakTies() {
        Choker<String> choker = choker(2, 9);
        TableScheme scheme = new TableScheme();
        scheme.table.put(new PeerRef("ref-p0"), new Standing(5.0, 1 << 30, "relayed 1 GiB"));
        choker.accounting(scheme);
        List<ChokerPeer<String>> peers = peersWithRefs(6);
        Set<String> unchoked = choker.evaluate(peers, false, 0);
        assertTrue(unchoked.containsAll(Set.of("p0", "p5")), "credited slow p0, then the fastest: " + unchoked);

        choker.accounting(null);
        Set<String> titForTat = choker.evaluate(peers, false, 10 * S);
        assertTrue(titForTat.containsAll(Set.of("p5", "p4")), "unbound: plain tit-for-tat " + titForTat);
    }

    @Test
    void aFailingSchemeLeavesEveryoneAtTheBaseRateInsteadOfStoppingUploads() {
        Choker<String> choker = choker(2, 10);
        TableScheme scheme = new TableScheme();
        scheme.broken = true;
        choker.accounting(scheme);
        assertTrue(choker.evaluate(peersWithRefs(6), false, 0).containsAll(Set.of("p5", "p4")));
    }

    @Test
    void sameInputsSameDecisions() {
        List<Set<String>> a = new ArrayList<>();
        List<Set<String>> b = new ArrayList<>();
        Choker<String> one = choker(2, 42);
        Choker<String> two = choker(2, 42);
        List<ChokerPeer<String>> peers = List.of(ChokerPeer.of("x", true, 0, 0, 0), ChokerPeer.of("y", true, 0, 0, 0),
                ChokerPeer.of("z", true, 0, 0, 0), ChokerPeer.of("w", true, 0, 0, 0), ChokerPeer.of("v", true, 0, 0, 0));
        for (long t = 0; t < 200; t += 5) {
            a.add(one.evaluate(peers, false, t * S));
            b.add(two.evaluate(peers, false, t * S));
        }
        assertEquals(a, b);
    }

    @Test
    void badConfigurationIsRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> ChokerConfig.DEFAULT.withRegularSlots(-1));
        assertThrows(IllegalArgumentException.class, () -> new ChokerConfig(4, Duration.ZERO, Duration.ofSeconds(30),
                Duration.ofSeconds(30), 3));
        assertThrows(IllegalArgumentException.class, () -> new ChokerConfig(4, Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 0));
        assertThrows(IllegalArgumentException.class, () -> ChokerPeer.of("p", true, -1, 0, 0));
    }
}
