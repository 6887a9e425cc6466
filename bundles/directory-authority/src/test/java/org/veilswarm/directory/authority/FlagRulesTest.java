package org.veilswarm.directory.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.directory.core.ConsensusEntry;

/** The flag rules of docs/protocols/directory-consensus.md §1.2, one boundary at a time. */
class FlagRulesTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final FlagPolicy POLICY = new FlagPolicy(Duration.ofHours(24), Duration.ofDays(8),
            Duration.ofHours(96), 100_000, 2_000_000, 50_000_000, Set.of("0.0.9-bad"), Duration.ofHours(48));
    private static final Set<RelayFlag> CLAIMS_ALL = EnumSet.allOf(RelayFlag.class);
    private int next;

    private RelayObservation relay(long bandwidth, Set<RelayFlag> claimed, String version, Duration known,
            Optional<Duration> up) {
        SignedRelayDescriptor d = Relays.relay(Relays.key(next), 9000 + next, bandwidth, claimed, version,
                NOW.minusSeconds(60));
        next++;
        return new RelayObservation(d, NOW.minus(known), up.map(NOW::minus));
    }

    private RelayObservation veteran(long bandwidth) {
        return relay(bandwidth, CLAIMS_ALL, "0.1.0", Duration.ofDays(30), Optional.of(Duration.ofDays(10)));
    }

    private static Map<RelayDescriptor.Key, ConsensusEntry> assign(List<RelayObservation> observations) {
        return new FlagRules(POLICY).assign(observations, NOW).stream()
                .collect(Collectors.toMap(ConsensusEntry::identity, Function.identity()));
    }

    private static Set<RelayFlag> flags(Map<RelayDescriptor.Key, ConsensusEntry> entries, RelayObservation o) {
        return entries.get(o.descriptor().descriptor().identityKey()).flags();
    }

    @Test
    void anUnreachableRelayIsNotListedAndAReachableOneIsRunning() {
        RelayObservation down = relay(5_000_000, CLAIMS_ALL, "0.1.0", Duration.ofDays(30), Optional.empty());
        RelayObservation up = veteran(5_000_000);
        Map<RelayDescriptor.Key, ConsensusEntry> entries = assign(List.of(down, up));
        assertEquals(1, entries.size());
        assertEquals(EnumSet.allOf(RelayFlag.class), flags(entries, up));
    }

    @Test
    void rejectedVersionsAreNotValid() {
        RelayObservation bad = relay(5_000_000, CLAIMS_ALL, "0.0.9-bad", Duration.ofDays(30),
                Optional.of(Duration.ofDays(10)));
        Set<RelayFlag> f = flags(assign(List.of(bad, veteran(5_000_000))), bad);
        assertTrue(f.contains(RelayFlag.RUNNING));
        assertFalse(f.contains(RelayFlag.VALID));
        assertFalse(f.contains(RelayFlag.HSDIR), "HSDIR needs VALID");
    }

    @Test
    void fastIsTheTopSevenEighthsOrAboveTheGuarantee() {
        List<RelayObservation> relays = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            relays.add(veteran(i * 1_000L));
        }
        Map<RelayDescriptor.Key, ConsensusEntry> entries = assign(relays);
        // 16 relays: index 2 (3,000 B/s) is the 1/8 quantile; the two slowest are not FAST.
        assertFalse(flags(entries, relays.get(0)).contains(RelayFlag.FAST));
        assertFalse(flags(entries, relays.get(1)).contains(RelayFlag.FAST));
        assertTrue(flags(entries, relays.get(2)).contains(RelayFlag.FAST));
        assertTrue(flags(entries, relays.get(15)).contains(RelayFlag.FAST));

        // Once everyone is above the 100 KB/s guarantee, even the slowest is FAST.
        List<RelayObservation> quick = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            quick.add(veteran(100_000L + i));
        }
        assertTrue(flags(assign(quick), quick.get(0)).contains(RelayFlag.FAST));
    }

    @Test
    void stableNeedsTheUptimeAndAnInterruptionRestartsIt() {
        RelayObservation justUnder = relay(5_000_000, CLAIMS_ALL, "0.1.0", Duration.ofDays(30),
                Optional.of(Duration.ofHours(24).minusSeconds(1)));
        RelayObservation exactly = relay(5_000_000, CLAIMS_ALL, "0.1.0", Duration.ofDays(30),
                Optional.of(Duration.ofHours(24)));
        Map<RelayDescriptor.Key, ConsensusEntry> entries = assign(List.of(justUnder, exactly));
        assertFalse(flags(entries, justUnder).contains(RelayFlag.STABLE));
        assertFalse(flags(entries, justUnder).contains(RelayFlag.GUARD), "GUARD needs STABLE");
        assertTrue(flags(entries, exactly).contains(RelayFlag.STABLE));
    }

    @Test
    void guardNeedsConsentAgeAndBandwidth() {
        RelayObservation noConsent = relay(5_000_000, EnumSet.of(RelayFlag.HSDIR), "0.1.0", Duration.ofDays(30),
                Optional.of(Duration.ofDays(10)));
        RelayObservation young = relay(5_000_000, CLAIMS_ALL, "0.1.0", Duration.ofDays(8).minusSeconds(1),
                Optional.of(Duration.ofDays(7)));
        RelayObservation slow = veteran(150_000);
        RelayObservation ok = veteran(2_000_000);
        List<RelayObservation> all = new ArrayList<>(List.of(noConsent, young, slow, ok));
        for (int i = 0; i < 4; i++) {
            all.add(veteran(3_000_000));
        }
        Map<RelayDescriptor.Key, ConsensusEntry> entries = assign(all);
        assertFalse(flags(entries, noConsent).contains(RelayFlag.GUARD));
        assertFalse(flags(entries, young).contains(RelayFlag.GUARD));
        // FAST median is 3,000,000 > guarantee, so the threshold is the 2 MB/s guarantee.
        assertTrue(flags(entries, slow).contains(RelayFlag.FAST));
        assertFalse(flags(entries, slow).contains(RelayFlag.GUARD));
        assertTrue(flags(entries, ok).contains(RelayFlag.GUARD));
    }

    @Test
    void hsdirNeedsConsentAndNinetySixHoursUp() {
        RelayObservation noConsent = relay(5_000_000, EnumSet.of(RelayFlag.GUARD), "0.1.0", Duration.ofDays(30),
                Optional.of(Duration.ofDays(10)));
        RelayObservation brief = relay(5_000_000, CLAIMS_ALL, "0.1.0", Duration.ofDays(30),
                Optional.of(Duration.ofHours(95)));
        RelayObservation ok = relay(5_000_000, CLAIMS_ALL, "0.1.0", Duration.ofDays(30),
                Optional.of(Duration.ofHours(96)));
        Map<RelayDescriptor.Key, ConsensusEntry> entries = assign(List.of(noConsent, brief, ok));
        assertFalse(flags(entries, noConsent).contains(RelayFlag.HSDIR));
        assertFalse(flags(entries, brief).contains(RelayFlag.HSDIR));
        assertTrue(flags(entries, ok).contains(RelayFlag.HSDIR));
    }

    @Test
    void claimsOfMeasuredFlagsAreIgnoredAndWeightIsCapped() {
        RelayObservation claimsNothing = relay(1L << 36, Set.of(), "0.1.0", Duration.ofDays(30),
                Optional.of(Duration.ofDays(10)));
        ConsensusEntry e = assign(List.of(claimsNothing)).values().iterator().next();
        assertEquals(EnumSet.of(RelayFlag.RUNNING, RelayFlag.VALID, RelayFlag.FAST, RelayFlag.STABLE), e.flags());
        assertEquals(50_000_000, e.weight(), "self-reported bandwidth is capped at the policy maximum");
    }
}
