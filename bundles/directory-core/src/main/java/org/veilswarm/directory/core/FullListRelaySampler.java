package org.veilswarm.directory.core;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;

/**
 * The {@code consensus} scheme's way of picking: the client holds the whole verified relay list and draws
 * locally with the same ranges as the merkle trees ({@link BandwidthRanges}), so both schemes pick with the
 * same distribution. The caller verifies the list (majority-signed) before constructing this.
 */
public final class FullListRelaySampler implements RelaySampler {
    private final Map<RelayRole, BandwidthRanges<RelayDescriptor>> ranges = new EnumMap<>(RelayRole.class);
    private final RandomGenerator random;
    private final int maxDraws;

    public FullListRelaySampler(Collection<RelayDescriptor> verifiedRelays, RandomGenerator random, int maxDraws) {
        this.random = Objects.requireNonNull(random, "random");
        if (maxDraws < 1) {
            throw new IllegalArgumentException("maxDraws must be at least 1");
        }
        this.maxDraws = maxDraws;
        for (RelayRole role : RelayRole.values()) {
            ranges.put(role, BandwidthRanges.of(role, verifiedRelays, Function.identity()));
        }
    }

    private FullListRelaySampler(VerifiedConsensus consensus, RandomGenerator random, int maxDraws) {
        this.random = Objects.requireNonNull(random, "random");
        if (maxDraws < 1) {
            throw new IllegalArgumentException("maxDraws must be at least 1");
        }
        this.maxDraws = maxDraws;
        for (RelayRole role : RelayRole.values()) {
            ranges.put(role, BandwidthRanges.of(role, consensus.entries(), ConsensusEntry::relay,
                    ConsensusEntry::weight).map(ConsensusEntry::relay));
        }
    }

    /**
     * Picks from a majority-signed consensus list: role membership by the authorities' flags, weights by the
     * list's weights; the relays returned carry the assigned flags.
     */
    public static FullListRelaySampler of(VerifiedConsensus consensus, RandomGenerator random, int maxDraws) {
        return new FullListRelaySampler(consensus, random, maxDraws);
    }

    @Override
    public CompletionStage<RelayDescriptor> pick(RelayRole role, PathConstraints constraints) {
        BandwidthRanges<RelayDescriptor> r = ranges.get(Objects.requireNonNull(role, "role"));
        if (r.sum() == 0) {
            return CompletableFuture.failedFuture(new DirectoryException("no relay for " + role));
        }
        for (int attempt = 0; attempt < maxDraws; attempt++) {
            RelayDescriptor relay = r.relay(r.indexOf(random.nextLong(r.sum())));
            if (constraints.allows(relay)) {
                return CompletableFuture.completedFuture(relay);
            }
        }
        return CompletableFuture.failedFuture(new DirectoryException("no relay for " + role
                + " satisfied the path constraints in " + maxDraws + " draws"));
    }
}
