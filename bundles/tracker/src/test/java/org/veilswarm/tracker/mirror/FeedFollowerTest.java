package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.store.memory.MemoryTrackerStore;

/** The source's view of its store: the state at its head, whatever happens to the store under it. */
class FeedFollowerTest {
    static final InfoHash HASH = MirrorLoopbackTest.HASH;

    static void announce(TrackerStore store, int n, AnnounceEvent event) {
        store.announce(new Announce(new PeerEntry(HASH, new byte[20], new TransportAddress("127.0.0.1", 1000 + n),
                n % 2, 0, 0, Instant.now()), event, 0));
    }

    static Set<Integer> ports(FeedFollower feed) {
        List<MirroredTorrent> torrents = feed.snapshot(List.of(HASH), 100).torrents();
        return torrents.isEmpty() ? Set.of()
                : Set.copyOf(torrents.get(0).peers().stream().map(p -> p.address().port()).toList());
    }

    @Test
    void theViewIsTheStoresStateAtTheHead() {
        MemoryTrackerStore store = new MemoryTrackerStore();
        try (FeedFollower feed = new FeedFollower(store, FeedSettings.DEFAULT)) {
            for (int n = 1; n <= 5; n++) {
                announce(store, n, AnnounceEvent.STARTED);
            }
            announce(store, 2, AnnounceEvent.STOPPED);
            store.putTorrent(MirrorLoopbackTest.record(HASH, "named"));
            feed.poll();
            assertEquals(store.headSequence(), feed.head());
            assertEquals(Set.of(1001, 1003, 1004, 1005), ports(feed));
            assertEquals("named", feed.snapshot(List.of(HASH), 100).torrents().get(0).record().orElseThrow().name());
            store.removeTorrent(HASH);
            feed.poll();
            assertTrue(feed.snapshot(List.of(HASH), 100).torrents().isEmpty());
        }
    }

    @Test
    void anotherStoreIsAnotherHistoryAndNoStoreChangesNothing() {
        MemoryTrackerStore first = new MemoryTrackerStore();
        MemoryTrackerStore second = new MemoryTrackerStore();
        AtomicReference<TrackerStore> bound = new AtomicReference<>(first);
        try (FeedFollower feed = new FeedFollower(bound::get, FeedSettings.DEFAULT)) {
            announce(first, 1, AnnounceEvent.STARTED);
            announce(first, 2, AnnounceEvent.STARTED);
            feed.poll();
            FeedEpoch epoch = feed.epoch();

            bound.set(null);
            IllegalStateException none = assertThrows(IllegalStateException.class, feed::poll);
            assertTrue(none.getMessage().contains("no tracker store"));
            assertEquals(Set.of(1001, 1002), ports(feed), "the view stays while no store is bound");

            // Same head sequence, other contents: only the store's identity tells them apart.
            announce(second, 7, AnnounceEvent.STARTED);
            announce(second, 8, AnnounceEvent.STARTED);
            bound.set(second);
            feed.poll();
            assertNotEquals(epoch, feed.epoch());
            assertEquals(Set.of(1007, 1008), ports(feed));
        }
    }

    /**
     * A store whose feed no longer reaches back to its first change (a JDBC store past its retention) makes the
     * follower start a new epoch with the records reloaded; a snapshot taken while the (blocking) reload runs
     * sees either the old epoch or the new one with its records, never the new epoch with an empty view.
     */
    @Test
    void aSnapshotDuringAReloadNeverSeesTheNewEpochWithoutItsRecords() throws Exception {
        MemoryTrackerStore memory = new MemoryTrackerStore();
        memory.putTorrent(MirrorLoopbackTest.record(HASH, "named"));
        announce(memory, 1, AnnounceEvent.STARTED);
        CountDownLatch searching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TrackerStore pastRetention = (TrackerStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {TrackerStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("changesSince")) {
                        List<?> all = memory.changesSince((Long) args[0], (Integer) args[1]);
                        return all.stream().filter(c -> ((Change) c).sequence() > 1).toList();
                    }
                    if (method.getName().equals("search")) {
                        searching.countDown();
                        assertTrue(release.await(10, TimeUnit.SECONDS));
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (FeedFollower feed = new FeedFollower(pastRetention, FeedSettings.DEFAULT)) {
            FeedEpoch before = feed.epoch();
            CompletableFuture<Void> polling = CompletableFuture.runAsync(feed::poll);
            assertTrue(searching.await(10, TimeUnit.SECONDS), "the follower reloads the records");
            MirrorSnapshot during = feed.snapshot(List.of(HASH), 100);
            release.countDown();
            polling.get(10, TimeUnit.SECONDS);
            assertTrue(during.epoch().equals(before) || (!during.torrents().isEmpty()
                    && during.torrents().get(0).record().isPresent()),
                    "a snapshot under the new epoch " + during.epoch() + " lacks the reloaded record");
            MirrorSnapshot after = feed.snapshot(List.of(HASH), 100);
            assertNotEquals(before, after.epoch());
            assertEquals("named", after.torrents().get(0).record().orElseThrow().name());
            assertEquals(Set.of(1001), ports(feed));
        }
    }
}
