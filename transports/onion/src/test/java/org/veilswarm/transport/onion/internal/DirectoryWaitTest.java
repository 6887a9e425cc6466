package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelaySampler;

/**
 * A publish held back until the directory can pick a relay (a testnet node bound to its directory before the
 * authorities voted the first consensus): it goes ahead at the first successful pick, after the limit, or when the
 * transport closes, and the reason for waiting is told once.
 */
class DirectoryWaitTest {
    private static final String NO_CONSENSUS = "no directory left to download a valid consensus from (0 marked bad, "
            + "3 tried)";
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** Fails its first {@code failures} picks as a directory without a consensus does, then picks. */
    private static RelaySampler noConsensusFor(int failures, AtomicInteger picks) {
        return (role, constraints) -> picks.incrementAndGet() <= failures
                ? CompletableFuture.failedFuture(new DirectoryException(NO_CONSENSUS))
                : CompletableFuture.completedFuture(null);
    }

    @Test
    void thePublishWaitsUntilTheDirectoryCanPickARelay() throws Exception {
        AtomicInteger picks = new AtomicInteger();
        List<String> told = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ready = new DirectoryWait(noConsensusFor(3, picks), timer, Duration.ofMillis(20),
                Duration.ofMinutes(1), () -> false).ready(told::add).toCompletableFuture();
        ready.get(10, TimeUnit.SECONDS);
        assertEquals(4, picks.get(), "picks until the first that succeeded");
        assertEquals(List.of(NO_CONSENSUS), told, "the reason is told once");
    }

    @Test
    void aDirectoryThatCanPickAtOnceIsNotWaitedFor() throws Exception {
        AtomicInteger picks = new AtomicInteger();
        List<String> told = new CopyOnWriteArrayList<>();
        new DirectoryWait(noConsensusFor(0, picks), timer, Duration.ofMillis(20), Duration.ofMinutes(1), () -> false)
                .ready(told::add).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, picks.get());
        assertTrue(told.isEmpty(), told.toString());
    }

    @Test
    void afterTheLimitThePublishGoesAheadAndFailsWithTheDirectorysReason() throws Exception {
        AtomicInteger picks = new AtomicInteger();
        CompletableFuture<Void> ready = new DirectoryWait(noConsensusFor(Integer.MAX_VALUE, picks), timer,
                Duration.ofMillis(20), Duration.ofMillis(300), () -> false).ready(r -> { }).toCompletableFuture();
        ready.get(10, TimeUnit.SECONDS);
        assertTrue(picks.get() >= 2, "picked " + picks.get() + " times");
    }

    @Test
    void aClosedTransportStopsTheWait() throws Exception {
        AtomicInteger picks = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<Void> ready = new DirectoryWait(noConsensusFor(Integer.MAX_VALUE, picks), timer,
                Duration.ofMillis(20), Duration.ofMinutes(10), closed::get).ready(r -> closed.set(true))
                .toCompletableFuture();
        ready.get(10, TimeUnit.SECONDS);
        assertFalse(picks.get() > 2, "picked " + picks.get() + " times after the close");
    }
}
