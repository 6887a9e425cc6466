package org.veilswarm.directory.authority;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The thresholds of the flag rules ({@link FlagRules}, docs/protocols/directory-consensus.md §1.2). The
 * defaults follow Tor's dir-spec §3.4.2 where Tor has a fixed number (Fast: 100 KB/s guarantee, Guard: 2 MB/s
 * guarantee, HSDir: 96 h uptime); tests use seconds.
 *
 * @param stableUptime continuous reachability needed for STABLE
 * @param guardMinKnown how long the authority must have known the relay for GUARD
 * @param hsdirMinUptime continuous reachability needed for HSDIR
 * @param fastGuarantee a weight at least this is always FAST (bytes/s)
 * @param guardGuarantee a FAST, STABLE relay with at least this weight qualifies for GUARD by bandwidth
 * @param maxWeight the largest weight the authority votes for one relay (self-reported bandwidth is capped)
 * @param rejectedVersions software versions that never get VALID (and so are never picked)
 * @param descriptorMaxAge descriptors published longer ago are dropped
 */
public record FlagPolicy(Duration stableUptime, Duration guardMinKnown, Duration hsdirMinUptime, long fastGuarantee,
        long guardGuarantee, long maxWeight, Set<String> rejectedVersions, Duration descriptorMaxAge) {

    public FlagPolicy {
        for (Duration d : new Duration[] {stableUptime, guardMinKnown, hsdirMinUptime, descriptorMaxAge}) {
            if (Objects.requireNonNull(d, "duration").isNegative()) {
                throw new IllegalArgumentException("durations cannot be negative");
            }
        }
        if (fastGuarantee < 0 || guardGuarantee < 0 || maxWeight < 1) {
            throw new IllegalArgumentException("bandwidth thresholds cannot be negative, maxWeight at least 1");
        }
        rejectedVersions = Set.copyOf(rejectedVersions);
    }

    /** Production defaults: STABLE after 24 h, GUARD after 8 days known, HSDIR after 96 h. */
    public static FlagPolicy defaults() {
        return new FlagPolicy(Duration.ofHours(24), Duration.ofDays(8), Duration.ofHours(96), 100_000, 2_000_000,
                1L << 30, Set.of(), Duration.ofHours(48));
    }
}
