package org.veilswarm.directory.authority;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.directory.http.DirectoryHttpClient;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.PublishedDirectory;

/**
 * Drives one authority through one period over the network (docs/protocols/directory-consensus.md §4):
 * <ol>
 * <li>at the start: check every relay's reachability, then vote;</li>
 * <li>one phase later: fetch the other authorities' votes, combine, sign;</li>
 * <li>one more phase later: fetch their signatures and publish if a strict majority signed.</li>
 * </ol>
 * The phase length must cover the slowest authority's probes and downloads; tests use a few hundred ms.
 */
public final class VotingRound {
    private final DirectoryAuthority authority;
    private final List<DirectoryHttpClient> peers;
    private final ScheduledExecutorService scheduler;

    public VotingRound(DirectoryAuthority authority, List<DirectoryHttpClient> peers,
            ScheduledExecutorService scheduler) {
        this.authority = Objects.requireNonNull(authority, "authority");
        this.peers = List.copyOf(peers);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Runs the three phases; completes with the published directory, or empty when no majority signed. */
    public CompletableFuture<Optional<PublishedDirectory>> run(Instant validAfter, Instant validUntil,
            Duration phase) {
        String period = Long.toString(validAfter.getEpochSecond());
        Executor afterPhase = CompletableFuture.delayedExecutor(phase.toMillis(), TimeUnit.MILLISECONDS, scheduler);
        return authority.checkReachability().toCompletableFuture()
                .thenRun(() -> authority.vote(validAfter, validUntil))
                .thenRunAsync(() -> { }, afterPhase)
                .thenCompose(v -> fetchAll(DirectoryPaths.VOTE + period))
                .thenApply(votes -> {
                    for (byte[] vote : votes) {
                        try {
                            authority.addVote(vote);
                        } catch (DirectoryException e) {
                            // A bad vote is left out; the combiner works with the rest.
                        }
                    }
                    try {
                        authority.computeConsensus(validAfter);
                        return true;
                    } catch (DirectoryException e) {
                        return false;
                    }
                })
                .thenComposeAsync(computed -> computed ? collectSignatures(validAfter, period)
                        : CompletableFuture.completedFuture(Optional.<PublishedDirectory>empty()), afterPhase);
    }

    private CompletableFuture<Optional<PublishedDirectory>> collectSignatures(Instant validAfter, String period) {
        return fetchAll(DirectoryPaths.SIGNATURES + period).thenApply(all -> {
            for (byte[] bytes : all) {
                try {
                    authority.addSignatures(validAfter, DetachedSignatures.decode(bytes));
                } catch (IllegalArgumentException e) {
                    // Malformed: not counted.
                }
            }
            return authority.publish(validAfter);
        });
    }

    /** GETs {@code path} from every peer; failures are left out. */
    private CompletableFuture<List<byte[]>> fetchAll(String path) {
        List<CompletableFuture<byte[]>> fetches = new ArrayList<>();
        for (DirectoryHttpClient peer : peers) {
            fetches.add(peer.get(path).thenApply(DirectoryHttpClient.Response::body).exceptionally(e -> null));
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<byte[]> bodies = new ArrayList<>();
            fetches.forEach(f -> {
                byte[] b = f.join();
                if (b != null) {
                    bodies.add(b);
                }
            });
            return bodies;
        });
    }
}
