package org.veilswarm.directory.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.crypto.Ed25519KeyPair;

/**
 * Pearson's chi-square goodness of fit of 100,000 picks against the bandwidth weights, at significance
 * p = 0.001 with fixed seeds (so the verdict is deterministic), and proof that the check has power: samplers
 * with wrong weights fail it.
 */
class SamplingDistributionTest {
    private static final int RELAYS = 50;
    private static final int PICKS = 100_000;
    private static final List<Ed25519KeyPair> AUTHORITIES = TestRelays.authorities(3);
    private static final List<SignedRelayDescriptor> SIGNED = relays();
    private static final List<RelayDescriptor> DESCRIPTORS = SIGNED.stream().map(SignedRelayDescriptor::descriptor)
            .toList();

    private static List<SignedRelayDescriptor> relays() {
        Random random = new Random(11);
        List<SignedRelayDescriptor> relays = new ArrayList<>();
        for (int i = 0; i < RELAYS; i++) {
            relays.add(TestRelays.relay(TestRelays.key(2000 + i), 1000 + random.nextInt(99_000),
                    EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID)));
        }
        return relays;
    }

    /**
     * Upper 0.001 quantile of chi-square with {@code df} degrees of freedom, by the Wilson–Hilferty cube
     * approximation (accurate to well under 1 % for df ≥ 10); z = 3.0902 is the standard normal 0.999 quantile.
     */
    static double criticalValue(int df) {
        double z = 3.0902323;
        double a = 2.0 / (9.0 * df);
        return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
    }

    static double chiSquare(RelaySampler sampler, List<RelayDescriptor> relays, int picks) {
        Map<RelayDescriptor.Key, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            RelayDescriptor pick = sampler.pick(RelayRole.MIDDLE, PathConstraints.none()).toCompletableFuture().join();
            counts.merge(pick.identityKey(), 1, Integer::sum);
        }
        double total = relays.stream().mapToLong(RelayDescriptor::weight).sum();
        double statistic = 0;
        for (RelayDescriptor r : relays) {
            double expected = picks * r.weight() / total;
            double observed = counts.getOrDefault(r.identityKey(), 0);
            statistic += (observed - expected) * (observed - expected) / expected;
        }
        return statistic;
    }

    @Test
    void theCriticalValueMatchesTheTable() {
        // Published chi-square table, 0.999 quantiles.
        assertEquals(29.588, criticalValue(10), 0.3);
        assertEquals(85.351, criticalValue(49), 0.3);
        assertEquals(149.449, criticalValue(100), 0.3);
    }

    @Test
    void merklePicksFollowTheBandwidthWeights() {
        MerkleDirectory directory = TestRelays.directory(SIGNED, AUTHORITIES);
        MerkleRelaySampler sampler = new MerkleRelaySampler(TestRelays.authoritySet(AUTHORITIES),
                List.of(new TestDirectories.Honest("d", directory)), new SplittableRandom(20261122L), TestRelays.CLOCK,
                TestRelays.PARSER, 1);
        double statistic = chiSquare(sampler, DESCRIPTORS, PICKS);
        assertTrue(statistic < criticalValue(RELAYS - 1), "chi-square " + statistic + " >= " + criticalValue(RELAYS - 1));
    }

    @Test
    void fullListPicksFollowTheBandwidthWeights() {
        FullListRelaySampler sampler = new FullListRelaySampler(DESCRIPTORS, new SplittableRandom(20261122L), 1);
        double statistic = chiSquare(sampler, DESCRIPTORS, PICKS);
        assertTrue(statistic < criticalValue(RELAYS - 1), "chi-square " + statistic + " >= " + criticalValue(RELAYS - 1));
    }

    @Test
    void aSamplerIgnoringBandwidthFailsTheCheck() {
        SplittableRandom random = new SplittableRandom(20261122L);
        RelaySampler uniform = (role, constraints) -> java.util.concurrent.CompletableFuture.completedFuture(
                DESCRIPTORS.get(random.nextInt(DESCRIPTORS.size())));
        double statistic = chiSquare(uniform, DESCRIPTORS, PICKS);
        assertTrue(statistic > criticalValue(RELAYS - 1), "uniform picks passed: " + statistic);
    }

    @Test
    void aSamplerOverweightingOneRelayByAThirdFailsTheCheck() {
        // The same full-list sampler, but its table gives the heaviest relay 1/3 more weight than it has.
        RelayDescriptor heaviest = DESCRIPTORS.stream().max((a, b) -> Long.compare(a.weight(), b.weight()))
                .orElseThrow();
        List<RelayDescriptor> skewed = new ArrayList<>();
        for (RelayDescriptor d : DESCRIPTORS) {
            skewed.add(d != heaviest ? d : new RelayDescriptor(d.identity(), d.ntorOnionKey(), d.orAddresses(),
                    d.weight() * 4 / 3, 0, d.family(), d.version(), d.flags(), d.published()));
        }
        FullListRelaySampler biased = new FullListRelaySampler(skewed, new SplittableRandom(20261122L), 1);
        double statistic = chiSquare(biased, DESCRIPTORS, PICKS);
        assertTrue(statistic > criticalValue(RELAYS - 1), "a third too much weight on one relay passed: " + statistic);
    }
}
