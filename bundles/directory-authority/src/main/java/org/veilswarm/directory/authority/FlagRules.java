package org.veilswarm.directory.authority;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.directory.core.ConsensusEntry;

/**
 * One authority's flag assignment (docs/protocols/directory-consensus.md §1.2; after Tor's dir-spec §3.4.2,
 * with fixed thresholds where Tor uses measured history). Only reachable relays are listed at all.
 *
 * <ul>
 * <li>RUNNING: the last reachability check succeeded.</li>
 * <li>VALID: the software version is not rejected by policy.</li>
 * <li>FAST: weight ≥ min(fast guarantee, the weight at the 1/8 quantile of listed relays), i.e. the top
 * seven eighths by bandwidth, or any relay above the guarantee.</li>
 * <li>STABLE: reachable without interruption for at least the stable uptime.</li>
 * <li>GUARD: the relay claims GUARD (consent to be an entry), FAST, STABLE, known for at least
 * guard-min-known, and weight ≥ min(guard guarantee, median weight of the FAST relays).</li>
 * <li>HSDIR: the relay claims HSDIR (consent to store onion service descriptors), STABLE, VALID and
 * reachable without interruption for at least hsdir-min-uptime.</li>
 * </ul>
 * A relay's own claims of RUNNING, VALID, FAST and STABLE are ignored: those are measured, not declared.
 * Weight: the relay's weight ({@link RelayDescriptor#weight()}) capped at the policy's maximum.
 */
public final class FlagRules {
    private final FlagPolicy policy;
    private final int maxRelaysPerAddress;

    public FlagRules(FlagPolicy policy) {
        this(policy, AuthorityLimits.DEFAULT.maxRelaysPerAddress());
    }

    /** @param maxRelaysPerAddress relays listed per (non-loopback) IP address, the longest known first */
    public FlagRules(FlagPolicy policy, int maxRelaysPerAddress) {
        this.policy = Objects.requireNonNull(policy, "policy");
        if (maxRelaysPerAddress < 1) {
            throw new IllegalArgumentException("maxRelaysPerAddress must be at least 1");
        }
        this.maxRelaysPerAddress = maxRelaysPerAddress;
    }

    /** The entries this authority votes for, one per reachable relay, in no particular order. */
    public List<ConsensusEntry> assign(List<RelayObservation> observations, Instant now) {
        List<RelayObservation> listed = perAddressLimit(
                observations.stream().filter(RelayObservation::reachable).toList());
        long[] weights = listed.stream().mapToLong(this::weight).sorted().toArray();
        long fastThreshold = Math.min(policy.fastGuarantee(), quantile(weights, 1, 8));
        long[] fastWeights = Arrays.stream(weights).filter(w -> w >= fastThreshold).toArray();
        long guardThreshold = Math.min(policy.guardGuarantee(), quantile(fastWeights, 1, 2));
        List<ConsensusEntry> entries = new ArrayList<>();
        for (RelayObservation o : listed) {
            RelayDescriptor d = o.descriptor().descriptor();
            long weight = weight(o);
            Duration uptime = Duration.between(o.reachableSince().orElseThrow(), now);
            Set<RelayFlag> flags = EnumSet.of(RelayFlag.RUNNING);
            boolean valid = !policy.rejectedVersions().contains(d.version());
            if (valid) {
                flags.add(RelayFlag.VALID);
            }
            boolean fast = weight >= fastThreshold && weight > 0;
            if (fast) {
                flags.add(RelayFlag.FAST);
            }
            boolean stable = uptime.compareTo(policy.stableUptime()) >= 0;
            if (stable) {
                flags.add(RelayFlag.STABLE);
            }
            boolean known = Duration.between(o.firstSeen(), now).compareTo(policy.guardMinKnown()) >= 0;
            if (d.flags().contains(RelayFlag.GUARD) && fast && stable && known && weight >= guardThreshold) {
                flags.add(RelayFlag.GUARD);
            }
            if (d.flags().contains(RelayFlag.HSDIR) && stable && valid
                    && uptime.compareTo(policy.hsdirMinUptime()) >= 0) {
                flags.add(RelayFlag.HSDIR);
            }
            entries.add(new ConsensusEntry(o.descriptor(), flags, weight));
        }
        return entries;
    }

    /**
     * At most {@code maxRelaysPerAddress} relays per IP address any of them gives (after Tor's
     * AuthDirMaxServersPerAddr, dir-spec §3.4.2), so one host cannot fill the list with Sybils. The relays
     * known longest win (then the lowest identity, so the choice is deterministic); loopback is not counted.
     */
    private List<RelayObservation> perAddressLimit(List<RelayObservation> reachable) {
        List<RelayObservation> byAge = new ArrayList<>(reachable);
        byAge.sort(Comparator.comparing(RelayObservation::firstSeen).thenComparing(
                o -> o.descriptor().descriptor().identity(), Arrays::compareUnsigned));
        Map<InetAddress, Integer> perAddress = new HashMap<>();
        List<RelayObservation> kept = new ArrayList<>();
        for (RelayObservation o : byAge) {
            Set<InetAddress> addresses = new HashSet<>();
            for (InetSocketAddress a : o.descriptor().descriptor().orAddresses()) {
                if (a.getAddress() != null && !a.getAddress().isLoopbackAddress()) {
                    addresses.add(a.getAddress());
                }
            }
            if (addresses.stream().allMatch(a -> perAddress.getOrDefault(a, 0) < maxRelaysPerAddress)) {
                addresses.forEach(a -> perAddress.merge(a, 1, Integer::sum));
                kept.add(o);
            }
        }
        return kept;
    }

    private long weight(RelayObservation o) {
        return Math.min(o.descriptor().descriptor().weight(), policy.maxWeight());
    }

    /** The value at index floor(n * num / den) of ascending {@code sorted}; 0 for an empty array. */
    static long quantile(long[] sorted, int num, int den) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) ((long) sorted.length * num / den)];
    }
}
