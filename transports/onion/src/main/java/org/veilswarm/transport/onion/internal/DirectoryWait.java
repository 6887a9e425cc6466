package org.veilswarm.transport.onion.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayRole;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.transport.onion.path.PathRules;
import org.veilswarm.transport.onion.path.PathSelector;

/**
 * Waits until the bound directory can supply a whole three-hop path (guard, middle and one more relay, never this
 * node's own, families apart: what an introduction circuit needs) before an onion service is published. A node of a
 * network that has just started (a testnet seconds old: the authorities vote the first consensus only after the
 * relays have uploaded their descriptors) binds its directory scheme before any consensus exists; publishing then
 * would burn every introduction-point attempt on "no directory left to download a valid consensus from" and fail
 * after half a minute, and the listener's owner would log an error and try again only after its own retry delay. Waiting here
 * publishes as soon as the directory answers.
 *
 * <p>A path, not one relay: a node's first consensus can predate the last relays' descriptors (the authorities vote
 * while relays still upload), and from a directory of three relays, one of them this node, no introduction circuit
 * can be built: every node of a testnet then logged PUBLISH_FAILED ("could not supply a GUARD relay") and published
 * only after its next consensus fetch, half a minute later, with its listener's owner logging an error meanwhile.
 *
 * <p>The wait is bounded: after {@code limit} the publish goes ahead and fails with the directory's own reason, as
 * it did before, so a node with no usable directory still says so.
 */
final class DirectoryWait {
    private final RelaySampler sampler;
    private final PathRules path;
    private final ScheduledExecutorService timer;
    private final Duration pause;
    private final Duration limit;
    private final BooleanSupplier closed;

    /**
     * @param pause  between two picks while the directory cannot answer
     * @param limit  how long to wait at most before publishing anyway
     * @param closed true once the transport closed: the wait ends at once
     */
    DirectoryWait(RelaySampler sampler, Set<RelayDescriptor.Key> self, ScheduledExecutorService timer, Duration pause,
            Duration limit, BooleanSupplier closed) {
        this.sampler = sampler;
        // As ServiceCircuits picks a rendezvous path: guard, middle, middle, families apart, this node excluded.
        this.path = new PathRules(List.of(RelayRole.GUARD, RelayRole.MIDDLE, RelayRole.MIDDLE), true, Set.copyOf(self),
                PathRules.DEFAULT_ATTEMPTS_PER_HOP);
        this.timer = timer;
        this.pause = pause;
        this.limit = limit;
        this.closed = closed;
    }

    /**
     * Completes (never exceptionally) once a path could be selected, the limit passed or the transport closed.
     * {@code waiting} is told the directory's reason once, when the first pick fails. Cancelling the returned future
     * ends the wait at the next pick (within {@code pause}), and with it every reference to the caller's work.
     */
    CompletableFuture<Void> ready(Consumer<String> waiting) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        attempt(ready, System.nanoTime() + limit.toNanos(), waiting, true);
        return ready;
    }

    private void attempt(CompletableFuture<Void> ready, long deadline, Consumer<String> waiting, boolean first) {
        if (ready.isDone()) { // cancelled: the listen it was for has been abandoned
            return;
        }
        CompletionStage<?> pick;
        try {
            pick = new PathSelector(sampler, path).select();
        } catch (RuntimeException e) {
            pick = CompletableFuture.failedFuture(e);
        }
        pick.whenComplete((relay, failure) -> {
            if (ready.isDone()) {
                return;
            }
            if (failure == null || closed.getAsBoolean() || System.nanoTime() - deadline >= 0) {
                ready.complete(null);
                return;
            }
            if (first) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                waiting.accept(cause.getMessage() == null ? cause.toString() : cause.getMessage());
            }
            try {
                timer.schedule(() -> attempt(ready, deadline, waiting, false), pause.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                ready.complete(null); // the transport is shutting down: publishing fails as closed
            }
        });
    }
}
