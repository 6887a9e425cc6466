package org.veilswarm.transport.onion.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.directory.core.FullListRelaySampler;

/** Path selection over samplers of a static descriptor list: the directory-core sampler and careless ones. */
class PathSelectorTest {
    private static final Set<RelayFlag> MIDDLE_ONLY = Set.of(RelayFlag.RUNNING, RelayFlag.VALID);

    private static List<RelayDescriptor> select(RelaySampler sampler, PathRules rules) throws Exception {
        return new PathSelector(sampler, rules).select().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static PathSelectionException failure(RelaySampler sampler, PathRules rules) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> new PathSelector(sampler, rules).select().toCompletableFuture().get(5, TimeUnit.SECONDS));
        return assertInstanceOf(PathSelectionException.class, e.getCause());
    }

    /** Draws uniformly from the list and ignores the constraints: only the selector's own checks protect the path. */
    private static RelaySampler careless(List<RelayDescriptor> relays, Random random) {
        return (role, constraints) -> {
            List<RelayDescriptor> fit = relays.stream().filter(r -> r.flags().containsAll(role.requiredFlags())).toList();
            return fit.isEmpty() ? CompletableFuture.failedFuture(new DirectoryException("no relay for " + role))
                    : CompletableFuture.completedFuture(fit.get(random.nextInt(fit.size())));
        };
    }

    @Test
    void aStandardPathHasAGuardFirstAndThreeDistinctRelays() throws Exception {
        Random random = new Random(1);
        List<RelayDescriptor> relays = new ArrayList<>();
        RelayDescriptor guard = TestRelays.relay(random, Set.of(), TestRelays.ALL_FLAGS);
        relays.add(guard);
        for (int i = 0; i < 5; i++) {
            relays.add(TestRelays.relay(random, Set.of(), MIDDLE_ONLY));
        }
        FullListRelaySampler sampler = new FullListRelaySampler(relays, new SplittableRandom(2), 64);
        for (int i = 0; i < 50; i++) {
            List<RelayDescriptor> path = select(sampler, PathRules.standard(3, null));
            assertEquals(3, path.size());
            assertTrue(path.get(0).sameRelay(guard), "the only guard-flagged relay is the first hop");
            assertEquals(3, keys(path).size(), "distinct relays");
        }
    }

    /**
     * Property over many random networks and picks, with a careful sampler (directory-core's) and a careless one:
     * no relay twice, no two relays of a family, never this node's relay.
     */
    @Test
    void noRelayTwiceNoFamilyAndNeverSelfOverManyPicks() throws Exception {
        Random random = new Random(42);
        int paths = 0;
        for (int network = 0; network < 40; network++) {
            List<RelayDescriptor> relays = randomNetwork(random, 12 + random.nextInt(30));
            RelayDescriptor self = relays.get(random.nextInt(relays.size()));
            PathRules rules = PathRules.standard(1 + random.nextInt(4), self.identityKey());
            // With up to 3 relays per family and at least 4 families left, a careless sampler meets a valid
            // relay within 64 uniform draws except with negligible probability (each draw fits with p > 1/4).
            rules = new PathRules(rules.roles(), true, rules.exclude(), 64);
            RelaySampler[] samplers = {new FullListRelaySampler(relays, new SplittableRandom(network), 64),
                    careless(relays, random)};
            for (RelaySampler sampler : samplers) {
                for (int i = 0; i < 25; i++) {
                    List<RelayDescriptor> path = select(sampler, rules);
                    paths++;
                    assertEquals(rules.hops(), path.size());
                    assertTrue(path.get(0).flags().contains(RelayFlag.GUARD), "first hop is a guard");
                    for (int a = 0; a < path.size(); a++) {
                        assertFalse(path.get(a).sameRelay(self), "never this node's own relay");
                        for (int b = a + 1; b < path.size(); b++) {
                            assertFalse(path.get(a).sameFamily(path.get(b)),
                                    "hops " + a + " and " + b + " share a family (or are the same relay)");
                        }
                    }
                }
            }
        }
        assertEquals(40 * 2 * 25, paths);
    }

    /** Families of 1..3 relays that declare one another; every family has a guard. */
    private static List<RelayDescriptor> randomNetwork(Random random, int families) {
        List<RelayDescriptor> relays = new ArrayList<>();
        for (int f = 0; f < families; f++) {
            int size = 1 + random.nextInt(3);
            List<RelayDescriptor> members = new ArrayList<>();
            for (int m = 0; m < size; m++) {
                members.add(TestRelays.relay(random, Set.of(), m == 0 ? TestRelays.ALL_FLAGS : MIDDLE_ONLY));
            }
            Set<RelayDescriptor.Key> family = keys(members);
            for (RelayDescriptor member : members) {
                // A family counts only when each member names the others (RelayDescriptor#sameFamily).
                relays.add(TestRelays.withFamily(member, family));
            }
        }
        return relays;
    }

    @Test
    void aFamilyMemberOfTheGuardIsNeverChosenWhenFamiliesAreExcluded() throws Exception {
        Random random = new Random(3);
        RelayDescriptor undeclared = TestRelays.relay(random, Set.of(), MIDDLE_ONLY);
        RelayDescriptor guard = TestRelays.relay(random, Set.of(undeclared.identityKey()), TestRelays.ALL_FLAGS);
        RelayDescriptor sibling = TestRelays.withFamily(undeclared, Set.of(guard.identityKey())); // both declare it
        List<RelayDescriptor> relays = new ArrayList<>(List.of(guard, sibling));
        for (int i = 0; i < 3; i++) {
            relays.add(TestRelays.relay(random, Set.of(), MIDDLE_ONLY));
        }
        RelaySampler sampler = careless(relays, new Random(4));
        // 5 relays fit MIDDLE (the guard too); at hop 3 two are left: 64 careless draws all miss with p = 0.6^64.
        PathRules standard = PathRules.standard(3, null);
        PathRules excluding = new PathRules(standard.roles(), true, Set.of(), 64);
        int siblingSeen = 0;
        for (int i = 0; i < 200; i++) {
            assertFalse(select(sampler, excluding).stream().anyMatch(r -> r.sameRelay(sibling)));
            if (select(sampler, excluding.withExcludeFamilies(false)).stream().anyMatch(r -> r.sameRelay(sibling))) {
                siblingSeen++;
            }
        }
        // Without the rule the sibling is one of 4 middles: about 2/4 of 200 paths (P(0) is negligible).
        assertTrue(siblingSeen > 0, "families allowed: the sibling does appear");
    }

    @Test
    void aOneSidedFamilyClaimDoesNotPushHonestRelaysOutOfPaths() throws Exception {
        Random random = new Random(6);
        RelayDescriptor honest = TestRelays.relay(random, Set.of(), MIDDLE_ONLY);
        // A malicious guard names the honest relay as its family; the honest relay does not agree.
        RelayDescriptor claimant = TestRelays.relay(random, Set.of(honest.identityKey()), TestRelays.ALL_FLAGS);
        List<RelayDescriptor> relays = new ArrayList<>(List.of(claimant, honest));
        for (int i = 0; i < 3; i++) {
            relays.add(TestRelays.relay(random, Set.of(), MIDDLE_ONLY));
        }
        PathRules standard = PathRules.standard(3, null);
        PathRules excluding = new PathRules(standard.roles(), true, Set.of(), 64);
        RelaySampler[] samplers = {careless(relays, new Random(7)), new FullListRelaySampler(relays, new SplittableRandom(8), 64)};
        for (RelaySampler sampler : samplers) {
            int honestSeen = 0;
            for (int i = 0; i < 200; i++) {
                if (select(sampler, excluding).stream().anyMatch(r -> r.sameRelay(honest))) {
                    honestSeen++;
                }
            }
            // The honest relay is one of 4 middles besides the guard: in about half of 200 paths.
            assertTrue(honestSeen > 0, "the honest relay still appears on paths behind the claimant (" + sampler + ")");
        }
    }

    @Test
    void noTwoRelaysOfOneIpv4Slash16OrIpv6Slash32WhenFamiliesAreExcluded() throws Exception {
        Random random = new Random(9);
        RelayDescriptor guard = at(random, "198.51.7.1", TestRelays.ALL_FLAGS);
        RelayDescriptor sameV4Range = at(random, "198.51.200.9", MIDDLE_ONLY);
        RelayDescriptor guardV6 = at(random, "2001:db8:1::1", TestRelays.ALL_FLAGS);
        RelayDescriptor sameV6Range = at(random, "2001:db8:ffff::2", MIDDLE_ONLY);
        List<RelayDescriptor> relays = new ArrayList<>(List.of(guard, sameV4Range, guardV6, sameV6Range));
        for (String address : List.of("198.52.7.1", "203.0.113.5", "2001:db9::1", "192.0.2.77")) {
            relays.add(at(random, address, MIDDLE_ONLY));
        }
        PathRules standard = PathRules.standard(3, null);
        PathRules excluding = new PathRules(standard.roles(), true, Set.of(), 64);
        int sharedWithoutRule = 0;
        for (int i = 0; i < 300; i++) {
            List<RelayDescriptor> path = select(careless(relays, random), excluding);
            for (int a = 0; a < path.size(); a++) {
                for (int b = a + 1; b < path.size(); b++) {
                    assertFalse(sharesRange(path.get(a), path.get(b)), "hops " + a + " and " + b + " share a range: " + path);
                }
            }
            List<RelayDescriptor> free = select(careless(relays, random), excluding.withExcludeFamilies(false));
            if (sharesRange(free.get(0), free.get(1)) || sharesRange(free.get(0), free.get(2))
                    || sharesRange(free.get(1), free.get(2))) {
                sharedWithoutRule++;
            }
        }
        assertTrue(sharedWithoutRule > 0, "without the rule such paths do occur (the test can see them)");
    }

    /** The guard/neighbour pairs this test builds: one /16 or one IPv6 /32. */
    private static boolean sharesRange(RelayDescriptor a, RelayDescriptor b) {
        String x = a.orAddresses().get(0).getHostString();
        String y = b.orAddresses().get(0).getHostString();
        return prefix(x).equals(prefix(y));
    }

    private static String prefix(String host) {
        String[] parts = host.split(host.contains(":") ? ":" : "\\.");
        return host.contains(":") ? parts[0] + ":" + parts[1] : parts[0] + "." + parts[1];
    }

    private static RelayDescriptor at(Random random, String address, Set<RelayFlag> flags) {
        return TestRelays.relay(TestRelays.key(random), TestRelays.key(random),
                new java.net.InetSocketAddress(address, 9001), Set.of(), flags);
    }

    @Test
    void aDirectoryThatCannotSupplyAPathFailsNamingTheHopAfterBoundedAttempts() {
        Random random = new Random(5);
        List<RelayDescriptor> two = List.of(TestRelays.relay(random, Set.of(), TestRelays.ALL_FLAGS),
                TestRelays.relay(random, Set.of(), MIDDLE_ONLY));
        AtomicInteger picks = new AtomicInteger();
        RelaySampler counting = (role, constraints) -> {
            picks.incrementAndGet();
            return careless(two, random).pick(role, constraints);
        };
        PathSelectionException e = failure(counting, PathRules.standard(3, null));
        assertEquals(2, e.hop(), "the third hop cannot be filled");
        assertEquals(RelayRole.MIDDLE, e.role());
        assertTrue(e.getMessage().contains("hop 3 of 3"), e.getMessage());
        int firstTwoHops = picks.get() - PathRules.DEFAULT_ATTEMPTS_PER_HOP;
        assertTrue(firstTwoHops >= 2 && firstTwoHops <= 2 * PathRules.DEFAULT_ATTEMPTS_PER_HOP,
                "hop 3 was asked exactly " + PathRules.DEFAULT_ATTEMPTS_PER_HOP + " times; total " + picks.get());
    }

    @Test
    void ourOwnRelayIsNeverTheGuardEvenIfItIsTheOnlyOne() {
        Random random = new Random(6);
        RelayDescriptor self = TestRelays.relay(random, Set.of(), TestRelays.ALL_FLAGS);
        List<RelayDescriptor> relays = List.of(self, TestRelays.relay(random, Set.of(), MIDDLE_ONLY),
                TestRelays.relay(random, Set.of(), MIDDLE_ONLY));
        PathSelectionException e = failure(careless(relays, random), PathRules.standard(3, self.identityKey()));
        assertEquals(0, e.hop());
        assertTrue(e.getMessage().contains("excluded relay"), e.getMessage());
    }

    @Test
    void aFailingDirectoryIsReportedWithItsCause() {
        RelaySampler broken = (role, constraints) -> CompletableFuture.failedFuture(
                new DirectoryException("no verified consensus"));
        PathSelectionException e = failure(broken, PathRules.standard(3, null));
        assertEquals(0, e.hop());
        assertInstanceOf(DirectoryException.class, e.getCause());
        assertTrue(e.getMessage().contains("no verified consensus"), e.getMessage());
        RelaySampler throwing = (role, constraints) -> {
            throw new IllegalStateException("sampler bug");
        };
        assertInstanceOf(IllegalStateException.class, failure(throwing, PathRules.standard(1, null)).getCause());
    }

    @Test
    void theLastRoleCanBeChangedAndRulesAreChecked() throws Exception {
        Random random = new Random(7);
        Set<RelayFlag> hsdirFlags = Set.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.HSDIR);
        // Two HSDir-only relays: whichever the middle takes, one is left for the last hop.
        List<RelayDescriptor> relays = List.of(TestRelays.relay(random, Set.of(), hsdirFlags),
                TestRelays.relay(random, Set.of(), hsdirFlags), TestRelays.relay(random, Set.of(), TestRelays.ALL_FLAGS),
                TestRelays.relay(random, Set.of(), MIDDLE_ONLY));
        FullListRelaySampler sampler = new FullListRelaySampler(relays, new SplittableRandom(8), 64);
        PathRules toHsDir = PathRules.standard(3, null).withLastRole(RelayRole.HSDIR);
        for (int i = 0; i < 20; i++) {
            List<RelayDescriptor> path = select(sampler, toHsDir);
            assertTrue(path.get(2).flags().contains(RelayFlag.HSDIR));
            assertEquals(3, keys(path).size());
        }
        assertThrows(IllegalArgumentException.class, () -> PathRules.standard(0, null));
        assertThrows(IllegalArgumentException.class, () -> PathRules.standard(PathRules.MAX_HOPS + 1, null));
        assertThrows(IllegalArgumentException.class,
                () -> new PathRules(List.of(RelayRole.GUARD), true, Set.of(), 0));
    }

    private static Set<RelayDescriptor.Key> keys(List<RelayDescriptor> relays) {
        Set<RelayDescriptor.Key> keys = new HashSet<>();
        relays.forEach(r -> keys.add(r.identityKey()));
        return keys;
    }
}
