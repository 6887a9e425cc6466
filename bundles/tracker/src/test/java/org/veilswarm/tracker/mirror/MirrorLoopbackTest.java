package org.veilswarm.tracker.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.SwarmCounts;
import org.veilswarm.api.tracker.TorrentRecord;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.api.tracker.Visibility;
import org.veilswarm.api.transport.TransportAddress;
import org.veilswarm.tracker.mirror.MirrorNode.StoreKind;
import org.veilswarm.tracker.protocol.AnnounceResponse;

/**
 * Two real nodes on 127.0.0.1: A serves its tracker with mirroring (the real tracker pipeline, direct
 * transport), B mirrors a share of A into its own store and serves it with its own tracker.
 */
class MirrorLoopbackTest {
    static final InfoHash HASH = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
    static final InfoHash OTHER = InfoHash.ofHex("89abcdef0123456789abcdef0123456789abcdef");
    /** Generous: propagation takes tens of milliseconds; only a broken mirror takes seconds. */
    static final Duration BOUND = Duration.ofSeconds(5);
    static final MirrorSettings FAST = MirrorSettings.DEFAULT.withTiming(Duration.ofSeconds(20), Duration.ofSeconds(5),
            Duration.ofMillis(50), Duration.ofMillis(200));

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(closeLater);
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T later(T closeable) {
        closeLater.add(closeable);
        return closeable;
    }

    static TorrentRecord record(InfoHash hash, String name) {
        return new TorrentRecord(hash, name, "a test torrent", Set.of("test", "mirror"), 123_456, List.of("a/b.bin"),
                Visibility.PRIVATE, Instant.parse("2026-11-22T03:00:00Z"));
    }

    static int peers(TrackerStore store, InfoHash hash) {
        SwarmCounts counts = store.scrape(List.of(hash)).get(hash);
        return counts == null ? 0 : counts.complete() + counts.incomplete();
    }

    /** Waits for {@code condition} and returns how long it took; fails after {@link #BOUND}. */
    static long awaitNanos(String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > BOUND.toNanos()) {
                throw new AssertionError(what + ": not within " + BOUND);
            }
            Thread.sleep(1);
        }
        return System.nanoTime() - start;
    }

    TrackerMirror mirror(MirrorNode b, MirrorLink link, String token, Path cursor, MirrorSettings settings)
            throws Exception {
        return later(new TrackerMirror(link, b.engine::connect, b.store, b.identity, new MirrorCursorFile(cursor),
                settings, share -> b.tokens.put(token, share)).start());
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void peerChangesOnAAppearOnBWithinTheBound(StoreKind kind) throws Exception {
        MirrorNode a = later(MirrorNode.of(kind, dir, "a")).listen();
        MirrorNode b = later(MirrorNode.of(kind, dir, "b")).listen();
        String token = a.newShare(Visibility.PRIVATE, HASH);
        a.store.putTorrent(record(HASH, "Big Buck Bunny"));
        a.announce(Visibility.PRIVATE, token, HASH, 1, AnnounceEvent.STARTED);
        a.feed.poll(); // the snapshot then holds both changes, and the feed brings exactly the ones below

        TrackerMirror mirror = mirror(b, a.link(Visibility.PRIVATE, token), token, dir.resolve("cursor"), FAST);
        awaitNanos("snapshot applied", () -> peers(b.store, HASH) == 1);
        assertEquals("Big Buck Bunny", b.store.torrent(HASH).orElseThrow().name());

        List<Long> latencies = new ArrayList<>();
        int changes = 20;
        for (int peer = 2; peer <= changes + 1; peer++) {
            a.announce(Visibility.PRIVATE, token, HASH, peer, AnnounceEvent.STARTED);
            int expected = peer;
            latencies.add(awaitNanos("peer " + peer + " on B", () -> peers(b.store, HASH) == expected));
        }
        for (int peer = 2; peer <= 6; peer++) {
            a.announce(Visibility.PRIVATE, token, HASH, peer, AnnounceEvent.STOPPED);
            int expected = changes + 1 - (peer - 1);
            latencies.add(awaitNanos("peer " + peer + " gone from B", () -> peers(b.store, HASH) == expected));
        }
        awaitNanos("position saved", () -> mirror.status().sequence() == a.store.headSequence());
        MirrorStatus status = mirror.status();
        assertEquals(1, status.snapshots());
        assertEquals(changes + 5, status.changes(), "every change arrived once, none through a new snapshot");
        Collections.sort(latencies);
        System.out.printf("mirror propagation on %s: %d changes, median %.1f ms, p99 %.1f ms, max %.1f ms; "
                + "%d bytes in %d batches and 1 snapshot%n", kind, latencies.size(),
                latencies.get(latencies.size() / 2) / 1e6, latencies.get((int) (latencies.size() * 0.99)) / 1e6,
                latencies.get(latencies.size() - 1) / 1e6, status.bytes(), status.batches());
    }

    @Test
    void bServesAnnounceAndScrapeForTheMirroredTorrentAfterAStops() throws Exception {
        MirrorNode a = later(MirrorNode.memory()).listen();
        MirrorNode b = later(MirrorNode.memory()).listen();
        String token = a.newShare(Visibility.PRIVATE, HASH);
        a.store.putTorrent(record(HASH, "shared"));
        for (int peer = 1; peer <= 3; peer++) {
            a.announce(Visibility.PRIVATE, token, HASH, peer, AnnounceEvent.STARTED);
        }
        TrackerMirror mirror = mirror(b, a.link(Visibility.PRIVATE, token), token, dir.resolve("cursor"), FAST);
        awaitNanos("snapshot applied", () -> peers(b.store, HASH) == 3 && b.tokens.find(
                org.veilswarm.tracker.protocol.TokenDigest.of(token)).map(s -> s.tracks(HASH)).orElse(false));

        a.stopServing();
        awaitNanos("mirror notices A is gone", () -> mirror.status().lastError().isPresent());

        // Peer 10 is a leecher: a seeder would be given leechers only.
        AnnounceResponse answer = b.announce(Visibility.PRIVATE, token, HASH, 10, AnnounceEvent.STARTED);
        Set<TransportAddress> expected = Set.of(new TransportAddress("127.0.0.1", 1025),
                new TransportAddress("127.0.0.1", 1026), new TransportAddress("127.0.0.1", 1027));
        assertEquals(expected, Set.copyOf(answer.peers()), "B's own tracker hands out the peers learnt from A");
        Map<InfoHash, SwarmCounts> scrape = b.client.scrape(b.announceUrl(Visibility.PRIVATE, token).scrape(),
                List.of(HASH)).get(10, TimeUnit.SECONDS);
        assertEquals(4, scrape.get(HASH).complete() + scrape.get(HASH).incomplete());
        assertTrue(b.store.torrent(HASH).isPresent());

        // The copied peers carry A's "last seen" and expire on B like B's own when nobody refreshes them.
        assertEquals(4, b.store.expirePeers(Instant.now().plusSeconds(1)));
        assertEquals(0, peers(b.store, HASH));
        assertTrue(b.store.torrent(HASH).isPresent(), "the record stays");
    }

    @Test
    void aPrivateShareIsMirroredOnlyWithItsToken() throws Exception {
        MirrorNode a = later(MirrorNode.memory()).listen();
        MirrorNode b = later(MirrorNode.memory()).listen();
        String privateToken = a.newShare(Visibility.PRIVATE, HASH);
        String publicToken = a.newShare(Visibility.PUBLIC, OTHER);
        a.store.putTorrent(record(HASH, "secret"));
        a.store.putTorrent(record(OTHER, "open"));
        a.announce(Visibility.PRIVATE, privateToken, HASH, 1, AnnounceEvent.STARTED);
        a.announce(Visibility.PUBLIC, publicToken, OTHER, 2, AnnounceEvent.STARTED);
        a.feed.poll();

        String guessed = org.veilswarm.tracker.protocol.ShareTokenTable.newToken(new java.security.SecureRandom());
        TrackerMirror wrongToken = mirror(b, a.link(Visibility.PRIVATE, guessed), guessed, dir.resolve("c1"), FAST);
        TrackerMirror wrongPrefix = mirror(b, a.link(Visibility.PUBLIC, privateToken), privateToken,
                dir.resolve("c2"), FAST);
        awaitNanos("refusals", () -> wrongToken.status().rejected() > 0 && wrongPrefix.status().rejected() > 0);
        assertTrue(wrongToken.status().lastError().orElseThrow().contains("HTTP 404"),
                wrongToken.status().lastError().orElseThrow());
        assertTrue(wrongPrefix.status().lastError().orElseThrow().contains("HTTP 404"));
        wrongToken.close();
        wrongPrefix.close();
        assertEquals(0, b.store.statistics().torrents(), "nothing reached B's store");

        TrackerMirror publicMirror = mirror(b, a.link(Visibility.PUBLIC, publicToken), publicToken, dir.resolve("c3"),
                FAST);
        awaitNanos("public share mirrored", () -> peers(b.store, OTHER) == 1);
        a.announce(Visibility.PRIVATE, privateToken, HASH, 3, AnnounceEvent.STARTED);
        a.announce(Visibility.PUBLIC, publicToken, OTHER, 4, AnnounceEvent.STARTED);
        awaitNanos("public change mirrored", () -> peers(b.store, OTHER) == 2
                && publicMirror.status().sequence() == a.store.headSequence());
        assertTrue(b.store.torrent(HASH).isEmpty(), "the private share's record stays on A");
        assertEquals(0, peers(b.store, HASH), "the private share's peers stay on A");
        assertEquals(1, publicMirror.status().changes(), "only the public share's change was sent");
    }

    @Test
    void restartedMirrorResumesFromItsSavedSequence() throws Exception {
        MirrorNode a = later(MirrorNode.memory()).listen();
        String bUrl = MirrorNode.h2Url(dir, "b");
        String token = a.newShare(Visibility.PRIVATE, HASH);
        a.store.putTorrent(record(HASH, "resumed"));
        for (int peer = 1; peer <= 3; peer++) {
            a.announce(Visibility.PRIVATE, token, HASH, peer, AnnounceEvent.STARTED);
        }
        Path cursor = dir.resolve("mirror.cursor");
        long position;
        try (MirrorNode b = new MirrorNode(StoreKind.H2, bUrl, new TestIdentity(), FeedSettings.DEFAULT);
                TrackerMirror mirror = new TrackerMirror(a.link(Visibility.PRIVATE, token), b.engine::connect,
                        b.store, b.identity, new MirrorCursorFile(cursor), FAST, s -> { }).start()) {
            awaitNanos("first copy", () -> peers(b.store, HASH) == 3);
            a.announce(Visibility.PRIVATE, token, HASH, 4, AnnounceEvent.STARTED);
            awaitNanos("feed followed", () -> mirror.status().sequence() == a.store.headSequence());
            assertEquals(4, peers(b.store, HASH));
            position = mirror.status().sequence();
        }
        // B is down: A moves on.
        a.announce(Visibility.PRIVATE, token, HASH, 5, AnnounceEvent.STARTED);
        a.announce(Visibility.PRIVATE, token, HASH, 2, AnnounceEvent.STOPPED);

        MirrorNode b = later(new MirrorNode(StoreKind.H2, bUrl, new TestIdentity(), FeedSettings.DEFAULT));
        assertEquals(4, peers(b.store, HASH), "the JDBC store kept the copy");
        TrackerMirror resumed = mirror(b, a.link(Visibility.PRIVATE, token), token, cursor, FAST);
        assertEquals(position, resumed.status().sequence(), "position read back from the cursor file");
        awaitNanos("caught up", () -> resumed.status().sequence() == a.store.headSequence());
        assertEquals(4, peers(b.store, HASH));
        assertEquals(2, resumed.status().changes(), "exactly the two changes made while B was down");
        assertEquals(0, resumed.status().snapshots(), "resumed from the saved sequence, no new snapshot");
        assertTrue(resumed.status().sequence() > position);
    }

    @Test
    void aSourceWhoseFeedRestartedOrDroppedTheChangesIsCopiedAgain() throws Exception {
        MirrorNode a = later(new MirrorNode(StoreKind.MEMORY, null, new TestIdentity(),
                FeedSettings.DEFAULT.withRetention(5))).listen();
        MirrorNode b = later(MirrorNode.memory());
        String token = a.newShare(Visibility.PRIVATE, HASH, OTHER);
        a.store.putTorrent(record(HASH, "one"));
        a.announce(Visibility.PRIVATE, token, HASH, 1, AnnounceEvent.STARTED);
        Path cursor = dir.resolve("cursor");
        try (TrackerMirror first = new TrackerMirror(a.link(Visibility.PRIVATE, token), b.engine::connect, b.store,
                b.identity, new MirrorCursorFile(cursor), FAST, s -> { }).start()) {
            awaitNanos("first copy", () -> first.status().sequence() == a.store.headSequence());
            assertEquals(1, peers(b.store, HASH));
        }
        // While B is away, more changes happen than A keeps: B's position is gone.
        a.store.removeTorrent(HASH);
        a.store.putTorrent(record(OTHER, "two"));
        for (int peer = 10; peer < 20; peer++) {
            a.announce(Visibility.PRIVATE, token, OTHER, peer, AnnounceEvent.STARTED);
        }
        TrackerMirror second = mirror(b, a.link(Visibility.PRIVATE, token), token, cursor, FAST);
        awaitNanos("copied again", () -> peers(b.store, OTHER) == 10 && second.status().snapshots() == 1);
        assertTrue(b.store.torrent(HASH).isEmpty(), "a torrent A no longer has is removed by the new snapshot");
        assertEquals("two", b.store.torrent(OTHER).orElseThrow().name());
    }

    @Test
    void aSourceWhoseStoreStartedAgainAtSequenceOneIsCopiedAgain() throws Exception {
        SwappableStore aStore = new SwappableStore();
        MirrorNode a = later(new MirrorNode(aStore)).listen();
        MirrorNode b = later(MirrorNode.memory());
        String token = a.newShare(Visibility.PRIVATE, HASH, OTHER);
        a.store.putTorrent(record(HASH, "before"));
        for (int peer = 1; peer <= 3; peer++) {
            a.announce(Visibility.PRIVATE, token, HASH, peer, AnnounceEvent.STARTED);
        }
        TrackerMirror mirror = mirror(b, a.link(Visibility.PRIVATE, token), token, dir.resolve("cursor"), FAST);
        awaitNanos("first copy", () -> mirror.status().sequence() == a.store.headSequence());
        FeedEpoch before = mirror.status().epoch().orElseThrow();

        // A's memory store starts again (restart, store swap): its sequence numbers begin again at 1 and soon
        // pass the mirror's position, with other contents. Splicing the two histories would be wrong.
        aStore.replace();
        a.store.putTorrent(record(OTHER, "after"));
        for (int peer = 1; peer <= 6; peer++) {
            a.announce(Visibility.PRIVATE, token, OTHER, peer, AnnounceEvent.STARTED);
        }
        awaitNanos("copied again", () -> mirror.status().snapshots() == 2 && peers(b.store, OTHER) == 6);
        assertFalse(mirror.status().epoch().orElseThrow().equals(before), "a new epoch names the new history");
        assertTrue(b.store.torrent(HASH).isEmpty(), "what the restarted source no longer has is removed");
        assertEquals("after", b.store.torrent(OTHER).orElseThrow().name());
    }
}
