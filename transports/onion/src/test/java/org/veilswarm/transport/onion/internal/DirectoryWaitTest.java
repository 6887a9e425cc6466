package org.veilswarm.transport.onion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.api.directory.RelayFlag;
import org.veilswarm.api.directory.RelaySampler;
import org.veilswarm.directory.core.FullListRelaySampler;

/**
 * A publish held back until the directory can supply a whole path (a testnet node bound to its directory before the
 * authorities voted the first consensus, or holding a first consensus that lists too few relays): it goes ahead once
 * a path can be selected, after the limit, or when the transport closes, and the reason for waiting is told once.
 */
class DirectoryWaitTest {
    private static final String NO_CONSENSUS = "no directory left to download a valid consensus from (0 marked bad, "
            + "3 tried)";
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final SplittableRandom random = new SplittableRandom(7);
    /** The relays the directory lists now; null: no consensus yet. */
    private final AtomicReference<List<RelayDescriptor>> listed = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger picks = new java.util.concurrent.atomic.AtomicInteger();
    private final RelaySampler directory = (role, constraints) -> {
        picks.incrementAndGet();
        List<RelayDescriptor> relays = listed.get();
        return relays == null ? CompletableFuture.failedFuture(new DirectoryException(NO_CONSENSUS))
                : new FullListRelaySampler(relays, new SplittableRandom(random.nextLong()), 64).pick(role, constraints);
    };
    private final RelayDescriptor self = relay(0);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static RelayDescriptor relay(int i) {
        byte[] identity = new byte[32];
        identity[0] = (byte) (i + 1);
        byte[] ntorKey = new byte[32];
        ntorKey[1] = (byte) (i + 1);
        return new RelayDescriptor(identity, ntorKey, List.of(new InetSocketAddress("127.0.0.1", 9000 + i)), 1_000_000,
                0, Set.of(), "veilswarm-test", EnumSet.allOf(RelayFlag.class), Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static List<RelayDescriptor> relays(int from, int to) {
        List<RelayDescriptor> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(relay(i));
        }
        return out;
    }

    private DirectoryWait waitFor(Duration limit, AtomicBoolean closed) {
        return new DirectoryWait(directory, Set.of(self.identityKey()), timer, Duration.ofMillis(20), limit, closed::get);
    }

    /** Polls until {@code ready} has been incomplete across several waits' pauses, then says it still waits. */
    private static void assertStillWaiting(CompletableFuture<Void> ready) throws InterruptedException {
        Thread.sleep(200); // ten pauses of the wait: it probed the directory again and again meanwhile
        assertFalse(ready.isDone(), "published while the directory could not supply a path");
    }

    @Test
    void thePublishWaitsForAConsensus() throws Exception {
        List<String> told = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ready = waitFor(Duration.ofMinutes(1), new AtomicBoolean()).ready(told::add)
                .toCompletableFuture();
        assertStillWaiting(ready);
        listed.set(relays(1, 4));
        ready.get(10, TimeUnit.SECONDS);
        assertEquals(1, told.size(), told.toString());
        assertTrue(told.get(0).contains(NO_CONSENSUS), told.get(0));
    }

    @Test
    void aConsensusTooThinForAPathIsWaitedOutWithThisNodeNeverCounted() throws Exception {
        // This node and two others: no guard-middle-middle path without this node.
        List<RelayDescriptor> thin = new ArrayList<>(relays(1, 3));
        thin.add(self);
        listed.set(thin);
        List<String> told = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ready = waitFor(Duration.ofMinutes(1), new AtomicBoolean()).ready(told::add)
                .toCompletableFuture();
        assertStillWaiting(ready);
        assertEquals(1, told.size(), told.toString());
        assertTrue(told.get(0).contains("hop 3 of 3"), "the reason names the hop that could not be filled: " + told);

        List<RelayDescriptor> complete = new ArrayList<>(thin);
        complete.add(relay(3)); // the next consensus lists one more relay
        listed.set(complete);
        ready.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDirectoryThatCanSupplyAPathAtOnceIsNotWaitedFor() throws Exception {
        listed.set(relays(1, 4));
        List<String> told = new CopyOnWriteArrayList<>();
        waitFor(Duration.ofMinutes(1), new AtomicBoolean()).ready(told::add).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertTrue(told.isEmpty(), told.toString());
    }

    @Test
    void afterTheLimitThePublishGoesAheadAndFailsWithTheDirectorysReason() throws Exception {
        CompletableFuture<Void> ready = waitFor(Duration.ofMillis(300), new AtomicBoolean()).ready(r -> { })
                .toCompletableFuture();
        ready.get(10, TimeUnit.SECONDS); // no consensus ever: the limit ends the wait
    }

    @Test
    void aClosedTransportStopsTheWait() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<Void> ready = waitFor(Duration.ofMinutes(10), closed).ready(r -> closed.set(true))
                .toCompletableFuture();
        ready.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCancelledWaitStopsAskingTheDirectory() throws Exception {
        // The listen it was for has been abandoned (its owner's bundle stopped): the wait must not go on for
        // minutes holding the owner's work.
        CompletableFuture<Void> ready = waitFor(Duration.ofMinutes(10), new AtomicBoolean()).ready(r -> { })
                .toCompletableFuture();
        assertStillWaiting(ready);
        ready.cancel(false);
        Thread.sleep(40); // a pick already under way when the cancel came may still finish
        int afterCancel = picks.get();
        Thread.sleep(200); // ten pauses
        assertEquals(afterCancel, picks.get(), "picks after the wait was cancelled");
    }
}
