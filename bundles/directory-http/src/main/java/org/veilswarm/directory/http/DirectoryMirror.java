package org.veilswarm.directory.http;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusVerification;
import org.veilswarm.directory.core.HeaderVerification;
import org.veilswarm.directory.core.RelayDescriptorParser;

/**
 * The cache role of a relay acting as a directory: download the consensus list and the merkle header from
 * authorities (or other caches), verify both against the configured authorities, build the trees from the
 * list and serve everything ({@link #service()}). A source that serves something that does not verify, or an
 * older list than the one held (a rollback), is skipped for this refresh.
 */
public final class DirectoryMirror {
    private final AuthoritySet authorities;
    private final List<DirectoryHttpClient> sources;
    private final RelayDescriptorParser parser;
    private final Clock clock;
    private final DirectoryCacheService service = new DirectoryCacheService();

    public DirectoryMirror(AuthoritySet authorities, List<DirectoryHttpClient> sources, RelayDescriptorParser parser,
            Clock clock) {
        this.authorities = Objects.requireNonNull(authorities, "authorities");
        this.sources = List.copyOf(sources);
        this.parser = Objects.requireNonNull(parser, "parser");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public DirectoryCacheService service() {
        return service;
    }

    /** Fetches from the sources in random order until one serves a verified pair; completes with it. */
    public CompletionStage<PublishedDirectory> refresh() {
        List<DirectoryHttpClient> order = new ArrayList<>(sources);
        Collections.shuffle(order);
        return tryNext(order, 0, new StringBuilder());
    }

    private CompletionStage<PublishedDirectory> tryNext(List<DirectoryHttpClient> order, int i, StringBuilder why) {
        if (i == order.size()) {
            return CompletableFuture.failedFuture(new DirectoryException("no source served a verified directory"
                    + why));
        }
        DirectoryHttpClient source = order.get(i);
        return source.get(DirectoryPaths.CONSENSUS)
                .thenCombine(source.get(DirectoryPaths.MERKLE_HEADER), (list, header) -> {
                    ConsensusVerification c = authorities.verifyConsensus(list.body(), parser, clock.instant());
                    HeaderVerification h = authorities.verify(header.body(), clock.instant());
                    if (!c.accepted() || !h.accepted()) {
                        throw new IllegalStateException("list " + c.outcome() + ", header " + h.outcome());
                    }
                    PublishedDirectory d = PublishedDirectory.of(c.consensus().orElseThrow().signed(),
                            h.header().orElseThrow().signed());
                    if (!service.install(d)) {
                        throw new IllegalStateException("list valid after "
                                + d.consensus().document().validAfter() + " is not newer than the one held");
                    }
                    return d;
                })
                .handle((d, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(d);
                    }
                    why.append("; ").append(source.name()).append(": ").append(error.getMessage());
                    return tryNext(order, i + 1, why);
                }).thenCompose(stage -> stage);
    }
}
