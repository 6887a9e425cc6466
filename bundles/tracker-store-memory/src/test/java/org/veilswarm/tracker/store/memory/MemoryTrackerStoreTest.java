package org.veilswarm.tracker.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TrackerStore;

/** The contract, plus what is particular to the memory store: its bounds and the seeder rule. */
class MemoryTrackerStoreTest extends TrackerStoreContract {

    @Override
    protected TrackerStore newStore() {
        return new MemoryTrackerStore();
    }

    @Test
    void anExportedStateImportedIntoAnEmptyStoreGivesTheSameStore() {
        MemoryTrackerStore source = new MemoryTrackerStore();
        source.putTorrent(record(hash(1), "one", "first", Set.of("a"), List.of("f"), T0));
        source.announce(announce(peer(hash(1), 1, 0, T0), AnnounceEvent.COMPLETED, 5));
        source.announce(announce(peer(hash(1), 2, 9, T0), AnnounceEvent.STARTED, 5));
        source.announce(announce(peer(hash(2), 3, 9, T0), AnnounceEvent.STARTED, 5));
        StoreState state = source.exportState();
        MemoryTrackerStore copy = new MemoryTrackerStore();
        copy.importState(state);
        assertEquals(source.statistics(), copy.statistics());
        assertEquals(source.changesSince(0, 100), copy.changesSince(0, 100));
        assertEquals(source.scrape(List.of(hash(1), hash(2))), copy.scrape(List.of(hash(1), hash(2))));
        assertEquals(source.torrent(hash(1)), copy.torrent(hash(1)));
        assertEquals(state.head() + 1, headAfterPut(copy, hash(3)), "the feed continues");
        IllegalStateException notEmpty = assertThrows(IllegalStateException.class, () -> copy.importState(state));
        assertTrue(notEmpty.getMessage().contains("empty store"), notEmpty.getMessage());
        MemoryTrackerStore small = new MemoryTrackerStore(new MemoryStoreLimits(1, 10, 10, 2));
        assertThrows(StoreFullException.class, () -> small.importState(state), "two torrents into a store of one");
        MemoryTrackerStore shortFeed = new MemoryTrackerStore(new MemoryStoreLimits(10, 10, 10, 2));
        shortFeed.importState(state);
        assertEquals(List.of(state.head() - 1, state.head()),
                shortFeed.changesSince(0, 100).stream().map(Change::sequence).toList(), "only the retained changes");
    }

    @Test
    void aFullStoreRefusesNewTorrentsButServesKnownOnes() {
        MemoryTrackerStore small = new MemoryTrackerStore(new MemoryStoreLimits(2, 10, 10, 100));
        small.announce(announce(peer(hash(1), 1, 5, T0), AnnounceEvent.STARTED, 5));
        small.putTorrent(record(hash(2), "two", "", Set.of(), List.of(), T0));
        StoreFullException full = assertThrows(StoreFullException.class,
                () -> small.announce(announce(peer(hash(3), 1, 5, T0), AnnounceEvent.STARTED, 5)));
        assertTrue(full.getMessage().contains("2 torrents"), full.getMessage());
        assertEquals(1, small.announce(announce(peer(hash(1), 2, 5, T0), AnnounceEvent.STARTED, 5)).peers().size());
        small.announce(announce(peer(hash(1), 1, 5, T0), AnnounceEvent.STOPPED, 5));
        small.announce(announce(peer(hash(1), 2, 5, T0), AnnounceEvent.STOPPED, 5));
        small.announce(announce(peer(hash(3), 1, 5, T0), AnnounceEvent.STARTED, 5));
        assertEquals(2, small.statistics().torrents(), "a torrent without peers or record frees its slot");
    }

    @Test
    void aFullTorrentAnswersNewPeersWithoutRecordingThem() {
        MemoryTrackerStore small = new MemoryTrackerStore(new MemoryStoreLimits(10, 3, 10, 100));
        InfoHash h = hash(1);
        for (int i = 1; i <= 3; i++) {
            small.announce(announce(peer(h, i, 5, T0), AnnounceEvent.STARTED, 5));
        }
        long head = small.headSequence();
        assertEquals(3, small.announce(announce(peer(h, 4, 5, T0), AnnounceEvent.STARTED, 5)).peers().size());
        assertEquals(Map.of(h, new SwarmCounts(0, 3, 0)), small.scrape(List.of(h)));
        assertEquals(head, small.headSequence(), "nothing recorded, nothing in the feed");
    }

    @Test
    void numWantIsCappedByTheStoreLimit() {
        MemoryTrackerStore small = new MemoryTrackerStore(new MemoryStoreLimits(10, 100, 4, 1000));
        InfoHash h = hash(1);
        for (int i = 1; i <= 20; i++) {
            small.announce(announce(peer(h, i, 5, T0), AnnounceEvent.STARTED, 0));
        }
        assertEquals(4, small.announce(announce(peer(h, 21, 5, T0), AnnounceEvent.NONE, 1000)).peers().size());
    }

    @Test
    void seedersAreGivenLeechersOnly() {
        InfoHash h = hash(1);
        store.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(h, 2, 5, T0), AnnounceEvent.STARTED, 0));
        List<PeerEntry> forSeeder = store.announce(announce(peer(h, 3, 0, T0), AnnounceEvent.STARTED, 50)).peers();
        assertEquals(Set.of(peer(h, 2, 5, T0).address()), addresses(forSeeder));
        List<PeerEntry> forLeecher = store.announce(announce(peer(h, 4, 5, T0), AnnounceEvent.STARTED, 50)).peers();
        assertEquals(3, forLeecher.size());
    }

    @Test
    void aMirrorThatFellBehindSeesAGapAndMustTakeASnapshot() {
        MemoryTrackerStore small = new MemoryTrackerStore(new MemoryStoreLimits(10, 100, 10, 5));
        for (int i = 1; i <= 12; i++) {
            small.announce(announce(peer(hash(1), i, 5, T0), AnnounceEvent.STARTED, 0));
        }
        List<Change> afterTwo = small.changesSince(2, 100);
        assertEquals(List.of(8L, 9L, 10L, 11L, 12L), afterTwo.stream().map(Change::sequence).toList());
        assertTrue(afterTwo.get(0).sequence() > 3, "the gap tells the mirror it missed changes");
    }

    @Test
    void v2RecordsMeetAnnouncesMadeWithTheTruncatedHash() {
        byte[] v2 = new byte[32];
        v2[0] = 7;
        InfoHash full = InfoHash.of(v2);
        store.putTorrent(record(full, "v2 torrent", "", Set.of(), List.of(), T0));
        store.announce(announce(peer(full.truncated(), 1, 0, T0), AnnounceEvent.STARTED, 0));
        assertEquals(Map.of(full, new SwarmCounts(1, 0, 0)), store.scrape(List.of(full)));
        assertEquals(1, store.statistics().torrents());
    }

    @Test
    void samplingALargeSwarmGivesDistinctPeersAndNeverTheAnnouncer() {
        InfoHash h = hash(1);
        for (int i = 1; i <= 1000; i++) {
            store.announce(announce(peer(h, i, i % 10 == 0 ? 5 : 0, T0), AnnounceEvent.STARTED, 0));
        }
        Set<org.veilswarm.api.transport.TransportAddress> union = new java.util.HashSet<>();
        for (int round = 0; round < 50; round++) {
            List<PeerEntry> got = store.announce(announce(peer(h, 500, 5, T0), AnnounceEvent.NONE, 50)).peers();
            assertEquals(50, got.size());
            assertEquals(50, addresses(got).size(), "distinct");
            assertTrue(!addresses(got).contains(peer(h, 500, 5, T0).address()), "never the announcer");
            union.addAll(addresses(got));
        }
        assertTrue(union.size() > 500, "random, not always the same peers: " + union.size());
        // A seeder in a swarm of 90 % seeders: probing finds too few leechers, the full pass finds them all.
        List<PeerEntry> forSeeder = store.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.NONE, 150)).peers();
        assertEquals(100, forSeeder.size(), "all 100 leechers, no seeder");
        assertTrue(forSeeder.stream().noneMatch(PeerEntry::seeder));
    }

    private static long headAfterPut(MemoryTrackerStore store, InfoHash hash) {
        store.putTorrent(record(hash, "three", "", Set.of(), List.of(), T0));
        return store.headSequence();
    }
}
