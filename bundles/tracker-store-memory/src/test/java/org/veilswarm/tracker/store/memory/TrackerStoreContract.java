package org.veilswarm.tracker.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veilswarm.api.tracker.Announce;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.AnnounceResult;
import org.veilswarm.api.tracker.Change;
import org.veilswarm.api.tracker.CompactAnnounceResult;
import org.veilswarm.api.tracker.CompactPeer;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStatistics;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.node.OnionAddress;
import org.veilswarm.api.transport.TransportAddress;

/**
 * What every {@link TrackerStore} must do. A store's test extends this class and supplies empty stores;
 * the JDBC store runs the same tests through the {@code tests} jar of this module.
 */
public abstract class TrackerStoreContract {
    protected static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    /** A new, empty store; each call returns a distinct one (the replication test uses two). */
    protected abstract TrackerStore newStore();

    protected TrackerStore store;

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    protected static InfoHash hash(int n) {
        byte[] b = new byte[20];
        b[0] = (byte) 0xAB;
        b[19] = (byte) n;
        b[18] = (byte) (n >> 8);
        return InfoHash.of(b);
    }

    protected static byte[] peerId(int n) {
        return String.format("-VS0001-%012d", n).getBytes(StandardCharsets.US_ASCII);
    }

    protected static PeerEntry peer(InfoHash hash, int n, long left, Instant seen) {
        return new PeerEntry(hash, peerId(n), new TransportAddress("10.0." + (n >> 8 & 0xff) + "." + (n & 0xff),
                6881 + (n % 1000)), left, 0, 0, seen);
    }

    protected static Announce announce(PeerEntry peer, AnnounceEvent event, int numWant) {
        return new Announce(peer, event, numWant);
    }

    protected static Set<TransportAddress> addresses(List<PeerEntry> peers) {
        return peers.stream().map(PeerEntry::address).collect(Collectors.toSet());
    }

    protected static TorrentRecord record(InfoHash hash, String name, String description, Set<String> tags,
            List<String> files, Instant added) {
        return new TorrentRecord(hash, name, description, tags, 1234, files, Visibility.PUBLIC, added);
    }

    @Test
    void announceRecordsThePeerAndNeverReturnsItToItself() {
        InfoHash h = hash(1);
        AnnounceResult first = store.announce(announce(peer(h, 1, 100, T0), AnnounceEvent.STARTED, 50));
        assertTrue(first.peers().isEmpty(), "the only peer gets no peers");
        assertEquals(new SwarmCounts(0, 1, 0), first.counts());

        AnnounceResult second = store.announce(announce(peer(h, 2, 100, T0), AnnounceEvent.STARTED, 50));
        assertEquals(Set.of(peer(h, 1, 100, T0).address()), addresses(second.peers()));
        assertEquals(new SwarmCounts(0, 2, 0), second.counts());

        AnnounceResult again = store.announce(announce(peer(h, 1, 100, T0.plusSeconds(60)), AnnounceEvent.NONE, 50));
        assertEquals(Set.of(peer(h, 2, 100, T0).address()), addresses(again.peers()));
        assertEquals(new SwarmCounts(0, 2, 0), again.counts(), "a re-announce updates, it does not add");
    }

    /** The entries of a compact answer's three lists, as hex, in a set (the sample's order is random). */
    protected static Set<String> entries(CompactAnnounceResult result) {
        Set<String> out = new HashSet<>();
        split(result.ipv4(), CompactPeer.IPV4, out);
        split(result.ipv6(), CompactPeer.IPV6, out);
        split(result.onion(), CompactPeer.ONION, out);
        return out;
    }

    private static void split(byte[] list, int entry, Set<String> out) {
        for (int i = 0; i < list.length; i += entry) {
            out.add(java.util.HexFormat.of().formatHex(list, i, i + entry));
        }
    }

    protected static Set<String> entriesOf(TransportAddress... addresses) {
        Set<String> out = new HashSet<>();
        for (TransportAddress a : addresses) {
            byte[] entry = CompactPeer.of(a);
            if (entry.length > 0) {
                out.add(java.util.HexFormat.of().formatHex(entry));
            }
        }
        return out;
    }

    @Test
    void announceCompactRecordsLikeAnnounceAndListsEveryFamilyInItsCompactForm() {
        InfoHash h = hash(40);
        byte[] key = new byte[OnionAddress.KEY_LENGTH];
        key[0] = 7;
        TransportAddress v4 = new TransportAddress("10.1.2.3", 6881);
        TransportAddress mapped = new TransportAddress("::ffff:10.1.2.4", 6882);
        TransportAddress v6 = new TransportAddress("2001:db8::1", 6883);
        TransportAddress onion = TransportAddress.of(OnionAddress.fromPublicKey(key), 6884);
        TransportAddress dns = new TransportAddress("peer.example", 6885);
        int n = 0;
        for (TransportAddress a : List.of(v4, mapped, v6, onion, dns)) {
            CompactAnnounceResult r = store.announceCompact(announce(new PeerEntry(h, peerId(++n), a, 0, 0, 0, T0),
                    AnnounceEvent.STARTED, 50));
            assertEquals(new SwarmCounts(n, 0, 0), r.counts(), "every announce is recorded: " + a);
        }
        TransportAddress leecher = new TransportAddress("10.9.9.9", 7000);
        CompactAnnounceResult answer = store.announceCompact(announce(new PeerEntry(h, peerId(99), leecher, 10, 0, 0,
                T0), AnnounceEvent.STARTED, 50));
        assertEquals(new SwarmCounts(5, 1, 0), answer.counts());
        assertEquals(entriesOf(v4, mapped, v6, onion), entries(answer),
                "IPv4 (mapped ones too), IPv6 and onion entries; no entry for a DNS name");
        assertEquals(12, answer.ipv4().length);
        assertEquals(18, answer.ipv6().length);
        assertEquals(34, answer.onion().length);
        assertEquals(Set.of(v4, mapped, v6, onion, dns), addresses(store.announce(announce(new PeerEntry(h, peerId(98),
                new TransportAddress("10.9.9.8", 7000), 10, 0, 0, T0), AnnounceEvent.STARTED, 50)).peers())
                .stream().filter(a -> !a.host().startsWith("10.9.9.")).collect(Collectors.toSet()),
                "announce and announceCompact see the same swarm");

        CompactAnnounceResult seeder = store.announceCompact(announce(new PeerEntry(h, peerId(1), v4, 0, 0, 0, T0),
                AnnounceEvent.NONE, 50));
        assertEquals(entriesOf(leecher, new TransportAddress("10.9.9.8", 7000)), entries(seeder),
                "a seeder gets leechers only");
        int listed = store.announceCompact(announce(new PeerEntry(h, peerId(99), leecher, 10, 0, 0, T0),
                AnnounceEvent.NONE, 3)).peerCount();
        assertTrue(listed == 2 || listed == 3, "numwant 3 bounds the answer (one of the 3 may be the DNS-named peer, "
                + "which has no compact entry): " + listed);
        CompactAnnounceResult stopped = store.announceCompact(announce(new PeerEntry(h, peerId(99), leecher, 10, 0, 0,
                T0), AnnounceEvent.STOPPED, 50));
        assertEquals(0, stopped.peerCount());
        assertEquals(new SwarmCounts(5, 1, 0), stopped.counts(), "the stopped leecher is gone");
        assertEquals(new SwarmCounts(0, 0, 0), store.announceCompact(announce(peer(hash(41), 1, 0, T0),
                AnnounceEvent.STOPPED, 50)).counts(), "a stopped announce of an unknown torrent");
    }

    @Test
    void stoppedRemovesThePeer() {
        InfoHash h = hash(2);
        store.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.STARTED, 50));
        store.announce(announce(peer(h, 2, 10, T0), AnnounceEvent.STARTED, 50));
        AnnounceResult stopped = store.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.STOPPED, 50));
        assertEquals(new SwarmCounts(0, 1, 0), stopped.counts());
        AnnounceResult probe = store.announce(announce(peer(h, 3, 10, T0), AnnounceEvent.STARTED, 50));
        assertEquals(Set.of(peer(h, 2, 10, T0).address()), addresses(probe.peers()));
    }

    /**
     * Seeders get leechers only, also after peers left (a store may move another peer into a leaver's place)
     * and after peers turned from leecher to seeder and back: whatever a store keeps beside the peers to tell
     * seeders apart must follow every such change. The seeder asks for more than there are, so it must get
     * exactly every leecher.
     */
    @Test
    void seedersGetExactlyTheLeechersAfterPeersLeftAndChangedSides() {
        InfoHash h = hash(8);
        for (int i = 1; i <= 20; i++) {
            store.announce(announce(peer(h, i, i % 2 == 1 ? 0 : 5, T0), AnnounceEvent.STARTED, 0));
        }
        for (int i : new int[] {1, 2, 4, 6}) {
            store.announce(announce(peer(h, i, i % 2 == 1 ? 0 : 5, T0), AnnounceEvent.STOPPED, 0));
        }
        store.announce(announce(peer(h, 8, 0, T0), AnnounceEvent.COMPLETED, 0));
        store.announce(announce(peer(h, 19, 7, T0), AnnounceEvent.NONE, 0));
        List<PeerEntry> forSeeder = store.announce(announce(peer(h, 21, 0, T0), AnnounceEvent.STARTED, 50)).peers();
        Set<TransportAddress> leechers = Set.of(10, 12, 14, 16, 18, 19, 20).stream()
                .map(i -> peer(h, i, 5, T0).address()).collect(java.util.stream.Collectors.toSet());
        assertEquals(leechers, addresses(forSeeder));
        assertEquals(7, forSeeder.size());
    }

    @Test
    void completedCountsADownloadAndTheSeeder() {
        InfoHash h = hash(3);
        store.announce(announce(peer(h, 1, 500, T0), AnnounceEvent.STARTED, 50));
        AnnounceResult done = store.announce(announce(peer(h, 1, 0, T0), AnnounceEvent.COMPLETED, 50));
        assertEquals(new SwarmCounts(1, 0, 1), done.counts());
        assertEquals(Map.of(h, new SwarmCounts(1, 0, 1)), store.scrape(List.of(h)));
        assertEquals(1, store.statistics().completed());
    }

    @Test
    void numWantBoundsTheAnswer() {
        InfoHash h = hash(4);
        for (int i = 1; i <= 30; i++) {
            store.announce(announce(peer(h, i, 10, T0), AnnounceEvent.STARTED, 0));
        }
        assertEquals(7, store.announce(announce(peer(h, 31, 10, T0), AnnounceEvent.NONE, 7)).peers().size());
        assertEquals(0, store.announce(announce(peer(h, 32, 10, T0), AnnounceEvent.NONE, 0)).peers().size());
        List<PeerEntry> all = store.announce(announce(peer(h, 33, 10, T0), AnnounceEvent.NONE, 100)).peers();
        assertEquals(32, all.size());
        assertEquals(32, addresses(all).size(), "no peer twice");
    }

    @Test
    void scrapeReportsKnownTorrentsOnly() {
        InfoHash a = hash(5);
        InfoHash b = hash(6);
        store.announce(announce(peer(a, 1, 0, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(a, 2, 5, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(a, 3, 5, T0), AnnounceEvent.STARTED, 0));
        Map<InfoHash, SwarmCounts> scrape = store.scrape(List.of(a, b));
        assertEquals(Map.of(a, new SwarmCounts(1, 2, 0)), scrape);
    }

    @Test
    void expiryRemovesPeersSeenBeforeTheCutoff() {
        InfoHash h = hash(7);
        store.announce(announce(peer(h, 1, 5, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(h, 2, 5, T0.plusSeconds(100)), AnnounceEvent.STARTED, 0));
        assertEquals(1, store.expirePeers(T0.plusSeconds(50)));
        assertEquals(Map.of(h, new SwarmCounts(0, 1, 0)), store.scrape(List.of(h)));
        assertEquals(0, store.expirePeers(T0.plusSeconds(50)));
        assertEquals(1, store.expirePeers(T0.plusSeconds(101)));
        assertEquals(new TrackerStatistics(0, 0, 0, 0), store.statistics());
    }

    @Test
    void torrentRecordsCanBePutReplacedAndRemovedWithTheirPeers() {
        InfoHash h = hash(8);
        TorrentRecord r1 = record(h, "Debian netinst", "installer", Set.of("linux"), List.of("debian.iso"), T0);
        store.putTorrent(r1);
        assertEquals(Optional.of(r1), store.torrent(h));
        TorrentRecord r2 = record(h, "Debian netinst 13", "installer", Set.of("linux"), List.of("debian.iso"), T0);
        store.putTorrent(r2);
        assertEquals(Optional.of(r2), store.torrent(h));
        store.announce(announce(peer(h, 1, 5, T0), AnnounceEvent.STARTED, 0));
        assertTrue(store.removeTorrent(h));
        assertEquals(Optional.empty(), store.torrent(h));
        assertEquals(Map.of(), store.scrape(List.of(h)));
        assertFalse(store.removeTorrent(h));
    }

    @Test
    void searchRanksByMatchesOverNameTagsFilesAndDescription() {
        store.putTorrent(record(hash(10), "Ubuntu 24.04 desktop", "the desktop image", Set.of("linux", "iso"),
                List.of("ubuntu-24.04-desktop-amd64.iso"), T0));
        store.putTorrent(record(hash(11), "Sintel", "an open movie from Blender, not linux", Set.of("film"),
                List.of("sintel/Sintel.mkv", "sintel/subtitles/en.srt"), T0.plusSeconds(1)));
        store.putTorrent(record(hash(12), "Linux kernel sources", "tarball", Set.of("linux", "source"),
                List.of("linux-6.12.tar.xz"), T0.plusSeconds(2)));

        List<InfoHash> linux = store.search("LINUX", 10).stream().map(TorrentRecord::infoHash).toList();
        assertEquals(List.of(hash(12), hash(10), hash(11)), linux,
                "name+tag+file beats tag only, which beats description only");
        assertEquals(List.of(hash(11)), store.search("subtitles", 10).stream().map(TorrentRecord::infoHash).toList(),
                "file names are searched");
        assertEquals(List.of(hash(10)), store.search("desktop amd64", 10).stream().map(TorrentRecord::infoHash)
                .toList());
        assertEquals(List.of(), store.search("nothing-like-this", 10));
        assertEquals(1, store.search("linux", 1).size(), "limit is honoured");
        assertEquals(List.of(hash(12), hash(11), hash(10)), store.search("", 10).stream()
                .map(TorrentRecord::infoHash).toList(), "an empty query lists recent torrents first");
    }

    @Test
    void statisticsCountTorrentsSeedersLeechersAndCompletions() {
        store.putTorrent(record(hash(20), "only a record", "", Set.of(), List.of(), T0));
        store.announce(announce(peer(hash(21), 1, 0, T0), AnnounceEvent.COMPLETED, 0));
        store.announce(announce(peer(hash(21), 2, 9, T0), AnnounceEvent.STARTED, 0));
        store.announce(announce(peer(hash(22), 3, 9, T0), AnnounceEvent.STARTED, 0));
        assertEquals(new TrackerStatistics(3, 1, 2, 1), store.statistics());
    }

    @Test
    void everyMutationAppendsAChangeWithTheNextSequenceNumber() {
        assertEquals(0, store.headSequence());
        assertEquals(List.of(), store.changesSince(0, 10));
        InfoHash h = hash(30);
        store.announce(announce(peer(h, 1, 5, T0), AnnounceEvent.STARTED, 0));
        store.putTorrent(record(h, "x", "", Set.of(), List.of(), T0));
        store.announce(announce(peer(h, 1, 5, T0), AnnounceEvent.STOPPED, 0));
        store.removeTorrent(h);
        List<Change> changes = store.changesSince(0, 10);
        assertEquals(List.of(Change.Kind.PEER_PUT, Change.Kind.TORRENT_PUT, Change.Kind.PEER_REMOVE,
                Change.Kind.TORRENT_REMOVE), changes.stream().map(Change::kind).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), changes.stream().map(Change::sequence).toList());
        assertEquals(4, store.headSequence());
        assertEquals(List.of(3L, 4L), store.changesSince(2, 10).stream().map(Change::sequence).toList());
        assertEquals(List.of(2L), store.changesSince(1, 1).stream().map(Change::sequence).toList());
        assertEquals(List.of(), store.changesSince(4, 10));
    }

    @Test
    void applyPutsAReplicatedChangeUnderThisStoresOwnSequence() {
        InfoHash h = hash(31);
        store.announce(announce(peer(h, 9, 5, T0), AnnounceEvent.STARTED, 0));
        PeerEntry remote = peer(h, 1, 0, T0);
        long seq = store.apply(new Change(77, Change.Kind.PEER_PUT, h, Optional.of(remote), Optional.empty()));
        assertEquals(2, seq);
        assertEquals(2, store.headSequence());
        assertEquals(Map.of(h, new SwarmCounts(1, 1, 0)), store.scrape(List.of(h)));
        Change logged = store.changesSince(1, 10).get(0);
        assertEquals(2, logged.sequence());
        assertEquals(remote.address(), logged.peer().orElseThrow().address());
    }

    @Test
    void replayingOneStoresFeedIntoAnotherGivesTheSamePeersAndRecords() {
        TrackerStore mirror = newStore();
        for (int t = 0; t < 5; t++) {
            InfoHash h = hash(40 + t);
            store.putTorrent(record(h, "torrent " + t, "d" + t, Set.of("tag" + t), List.of("f" + t), T0));
            for (int p = 0; p < 20; p++) {
                store.announce(announce(peer(h, t * 100 + p, p % 3 == 0 ? 0 : 10, T0.plusSeconds(p)),
                        AnnounceEvent.STARTED, 10));
            }
        }
        for (int p = 0; p < 20; p += 4) {
            store.announce(announce(peer(hash(41), 100 + p, 10, T0), AnnounceEvent.STOPPED, 0));
        }
        store.removeTorrent(hash(44));
        store.expirePeers(T0.plusSeconds(3));

        long cursor = 0;
        List<Change> batch;
        while (!(batch = store.changesSince(cursor, 7)).isEmpty()) {
            assertEquals(cursor + 1, batch.get(0).sequence(), "no gap in the feed");
            batch.forEach(mirror::apply);
            cursor = batch.get(batch.size() - 1).sequence();
        }
        assertEquals(store.headSequence(), cursor);
        assertEquals(store.headSequence(), mirror.headSequence(), "one change in, one change out");

        for (int t = 0; t < 5; t++) {
            InfoHash h = hash(40 + t);
            assertEquals(store.torrent(h), mirror.torrent(h));
            assertEquals(countsWithoutDownloads(store, h), countsWithoutDownloads(mirror, h));
            PeerEntry probe = peer(h, 999, 10, T0.plusSeconds(1000));
            assertEquals(addresses(store.announce(announce(probe, AnnounceEvent.STARTED, 1000)).peers()),
                    addresses(mirror.announce(announce(probe, AnnounceEvent.STARTED, 1000)).peers()));
        }
        assertEquals(store.statistics().seeders(), mirror.statistics().seeders());
        assertEquals(store.statistics().leechers(), mirror.statistics().leechers());
        assertEquals(store.statistics().torrents(), mirror.statistics().torrents());
    }

    private static Optional<List<Integer>> countsWithoutDownloads(TrackerStore s, InfoHash h) {
        return Optional.ofNullable(s.scrape(List.of(h)).get(h)).map(c -> List.of(c.complete(), c.incomplete()));
    }

    @Test
    void concurrentAnnouncesKeepCountsAndFeedConsistent() throws Exception {
        int threads = 8;
        int perThread = 400;
        int torrents = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int n = thread * perThread + i;
                        InfoHash h = hash(100 + n % torrents);
                        // Every peer announces twice (started, then completed as a seeder): both must count once.
                        store.announce(announce(peer(h, n, 10, T0), AnnounceEvent.STARTED, 5));
                        store.announce(announce(peer(h, n, 0, T0), AnnounceEvent.COMPLETED, 5));
                        // Stop only peers that have an earlier peer of the same thread in their torrent, so no
                        // torrent ever becomes empty (a store may forget an empty torrent and its counter).
                        if (i % 10 == 5) {
                            store.announce(announce(peer(h, n, 0, T0), AnnounceEvent.STOPPED, 0));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            // The bound only catches a hang, for all threads together: the 8 x ~850 announces take seconds on an
            // idle machine, but PostgreSQL needed over a minute on a 2-core machine running several builds.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            for (Future<?> f : futures) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("announcing threads still running after 5 min: "
                            + futures.stream().filter(x -> !x.isDone()).count() + " of " + threads, e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        int total = threads * perThread;
        int stopped = threads * (perThread / 10);
        TrackerStatistics stats = store.statistics();
        assertEquals(total - stopped, stats.seeders());
        assertEquals(0, stats.leechers());
        assertEquals(total, stats.completed());
        assertEquals(torrents, stats.torrents());
        long seeders = 0;
        for (int t = 0; t < torrents; t++) {
            SwarmCounts c = store.scrape(List.of(hash(100 + t))).get(hash(100 + t));
            seeders += c.complete();
            assertEquals(total / torrents, c.downloaded());
        }
        assertEquals(total - stopped, seeders);

        long expectedChanges = 2L * total + stopped;
        assertEquals(expectedChanges, store.headSequence());
        List<Change> feed = new ArrayList<>();
        long cursor = 0;
        List<Change> batch;
        while (!(batch = store.changesSince(cursor, 1000)).isEmpty()) {
            feed.addAll(batch);
            cursor = batch.get(batch.size() - 1).sequence();
        }
        Set<Long> sequences = new HashSet<>();
        for (int i = 0; i < feed.size(); i++) {
            assertEquals(i + 1, feed.get(i).sequence(), "sequence numbers strictly increase by one");
            sequences.add(feed.get(i).sequence());
        }
        assertEquals(expectedChanges, sequences.size());
    }
}
