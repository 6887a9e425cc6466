package org.veilswarm.transport.onion.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.veilswarm.api.directory.PathConstraints;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;

/**
 * A stopgap {@link HsDirList} for directory schemes that can only pick: asks the sampler for HSDIR relays,
 * each pick excluding those already found, until it finds no more ({@value #FAILURES_TO_STOP} failed picks in
 * a row) or {@code max} are found; the list is kept for {@code lifetime}. Exact for a small network whose
 * sampler fails only when no relay is left; on a large one a pick may miss the last few, and a service and a
 * client with different lists compute different rings (the fetch then fails). The directory schemes should
 * implement {@link HsDirList} themselves.
 */
public final class SampledHsDirList implements HsDirList {
    static final int FAILURES_TO_STOP = 3;

    private final RelaySampler sampler;
    private final int max;
    private final Duration lifetime;
    private final Clock clock;
    private CompletableFuture<Collection<RelayDescriptor>> cached;
    private Instant cachedAt = Instant.MIN;

    public SampledHsDirList(RelaySampler sampler, int max, Duration lifetime, Clock clock) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized CompletionStage<Collection<RelayDescriptor>> hsDirs() {
        Instant now = clock.instant();
        if (cached == null || cached.isCompletedExceptionally() || now.isAfter(cachedAt.plus(lifetime))) {
            cachedAt = now;
            cached = collect(new ArrayList<>(), 0);
        }
        return cached;
    }

    private CompletableFuture<Collection<RelayDescriptor>> collect(List<RelayDescriptor> found, int failures) {
        if (found.size() >= max || failures >= FAILURES_TO_STOP) {
            return found.isEmpty()
                    ? CompletableFuture.failedFuture(new IllegalStateException("the directory lists no HSDir relay"))
                    : CompletableFuture.completedFuture(List.copyOf(found));
        }
        return sampler.pick(RelayRole.HSDIR, new PathConstraints(found, false, Set.of())).toCompletableFuture()
                .handle((relay, error) -> {
                    if (error == null && relay != null && found.stream().noneMatch(relay::sameRelay)) {
                        List<RelayDescriptor> more = new ArrayList<>(found);
                        more.add(relay);
                        return collect(more, 0);
                    }
                    return collect(found, failures + 1);
                })
                .thenCompose(next -> next);
    }
}
