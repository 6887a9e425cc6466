package org.veilswarm.tracker.store.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.AnnounceEvent;
import org.veilswarm.api.tracker.InfoHash;
import org.veilswarm.api.tracker.PeerEntry;
import org.veilswarm.api.tracker.TrackerStore;
import org.veilswarm.tracker.store.memory.MemoryStoreLimits;
import org.veilswarm.tracker.store.memory.TrackerStoreContract;

/**
 * The store contract on the journal store with a flush interval of an hour, so that every write reaches the disk
 * through the calls that write on their own (records, replication, expiry, feed reads); then what the journal adds:
 * a store opened again on its directory holds what the closed one held, the journal folds into snapshots and the
 * old generations go, and the files are the owner's only.
 */
class JournalTrackerStoreTest extends TrackerStoreContract {
    private static final AtomicInteger DIRS = new AtomicInteger();

    @TempDir
    static Path dir;

    private final List<JournalTrackerStore> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(JournalTrackerStore::close);
    }

    static JournalSettings hourly(Path directory) {
        return new JournalSettings(directory, MemoryStoreLimits.DEFAULT, Duration.ofHours(1), true, 8L << 20,
                64L << 20);
    }

    private JournalTrackerStore openStore(JournalSettings settings) {
        JournalTrackerStore store = new JournalTrackerStore(settings);
        open.add(store);
        return store;
    }

    @Override
    protected TrackerStore newStore() {
        return openStore(hourly(dir.resolve("contract" + DIRS.incrementAndGet())));
    }

    /** Announces, completions, records, a removal, expiry and a replicated change: one of every call. */
    static void exercise(TrackerStore store, int torrents, int peersEach) {
        for (int t = 0; t < torrents; t++) {
            InfoHash h = hash(t);
            store.putTorrent(record(h, "torrent " + t, "about " + t, Set.of("tag" + t), List.of("dir/file" + t),
                    T0.plusSeconds(t)));
            for (int p = 0; p < peersEach; p++) {
                PeerEntry peer = peer(h, t * 1000 + p, p % 3 == 0 ? 0 : 100, T0.plusSeconds(p));
                store.announce(announce(peer, p % 3 == 0 ? AnnounceEvent.COMPLETED : AnnounceEvent.STARTED, 10));
            }
            store.announce(announce(peer(h, t * 1000, 0, T0.plusSeconds(60)), AnnounceEvent.STOPPED, 0));
        }
        store.removeTorrent(hash(0));
        store.expirePeers(T0.plusSeconds(2));
        InfoHash replicated = hash(900);
        store.apply(new org.veilswarm.api.tracker.Change(77, org.veilswarm.api.tracker.Change.Kind.TORRENT_PUT,
                replicated, java.util.Optional.empty(), java.util.Optional.of(record(replicated, "mirrored", "",
                        Set.of(), List.of("m"), T0))));
    }

    /** What a store holds, as far as its API shows it, as values that compare by content. */
    static List<Object> describe(TrackerStore store) {
        List<Object> out = new ArrayList<>();
        out.add(store.statistics());
        out.add(store.headSequence());
        out.add(store.changesSince(0, Integer.MAX_VALUE));
        out.add(store.search("", 10_000));
        for (int t = 0; t < 1000; t++) {
            out.add(store.torrent(hash(t)));
        }
        out.add(store.scrape(Stream.iterate(0, i -> i + 1).limit(1000).map(TrackerStoreContract::hash).toList()));
        return out;
    }

    @Test
    void aStoreOpenedAgainHoldsRecordsPeersCountersAndTheFeed() {
        Path where = dir.resolve("reopen");
        JournalTrackerStore first = openStore(hourly(where));
        exercise(first, 5, 20);
        List<Object> before = describe(first);
        long head = first.headSequence();
        first.close();

        JournalTrackerStore second = openStore(hourly(where));
        assertEquals(before, describe(second));
        // Five torrents, seven completions each: counters the change feed does not carry.
        assertEquals(35, second.statistics().completed());
        // The feed continues without a gap or a reused number.
        second.announce(announce(peer(hash(3), 4242, 5, T0.plusSeconds(99)), AnnounceEvent.STARTED, 5));
        assertEquals(head + 1, second.headSequence());
        assertEquals(head + 1, second.changesSince(head, 10).get(0).sequence());
    }

    @Test
    void announcesWrittenOnlyByTheFlusherAreThereAfterAnOpenToo() throws Exception {
        Path where = dir.resolve("flusher");
        JournalSettings fast = new JournalSettings(where, MemoryStoreLimits.DEFAULT, Duration.ofMillis(20), true,
                8L << 20, 64L << 20);
        JournalTrackerStore store = openStore(fast);
        for (int p = 0; p < 50; p++) {
            store.announce(announce(peer(hash(1), p, p, T0), AnnounceEvent.NONE, 0));
        }
        Path journal = where.resolve("journal-0.log");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.size(journal) <= RecordFraming.HEADER_BYTES && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long written = Files.size(journal);
        assertTrue(written > 50 * 60, "the flusher wrote the announces on its own: " + written + " bytes");
        // Read the files as another process would, without closing (and so flushing) the store.
        JournalTrackerStore copy = openStore(hourly(copyOf(where, dir.resolve("flusher-copy"))));
        assertEquals(50, copy.statistics().leechers() + copy.statistics().seeders());
    }

    @Test
    void theJournalFoldsIntoSnapshotsAndOldGenerationsGo() throws IOException {
        Path where = dir.resolve("compact");
        JournalSettings small = new JournalSettings(where, MemoryStoreLimits.DEFAULT, Duration.ofHours(1), false,
                4096, 64L << 20);
        JournalTrackerStore store = openStore(small);
        exercise(store, 20, 30);
        for (int round = 0; round < 5; round++) {
            for (int p = 0; p < 30; p++) {
                store.announce(announce(peer(hash(7), 7000 + p, round, T0.plusSeconds(round * 100 + p)),
                        AnnounceEvent.NONE, 5));
            }
            store.headSequence(); // writes, and compacts when the journal is long enough
        }
        long generation = store.generation();
        assertTrue(generation >= 3, "compacted several times: generation " + generation);
        try (Stream<Path> files = Files.list(where)) {
            assertEquals(Set.of("snapshot-" + generation + ".bin", "journal-" + generation + ".log", "lock"),
                    files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        List<Object> before = describe(store);
        store.close();
        assertEquals(before, describe(openStore(small)));
    }

    @Test
    void leftoversOfACompactionACrashInterruptedAreIgnoredAndRemoved() throws IOException {
        Path where = dir.resolve("leftovers");
        JournalSettings small = new JournalSettings(where, MemoryStoreLimits.DEFAULT, Duration.ofHours(1), false,
                4096, 64L << 20);
        JournalTrackerStore store = openStore(small);
        exercise(store, 10, 30);
        long generation = store.generation();
        assertTrue(generation >= 1);
        List<Object> before = describe(store);
        store.close();
        // A snapshot half written (crash before its rename) and the previous generation not yet deleted.
        Files.write(where.resolve("snapshot-" + (generation + 1) + ".bin.tmp"), new byte[] {1, 2, 3});
        Files.write(where.resolve("journal-" + (generation - 1) + ".log"), RecordFraming.header(generation - 1));
        assertEquals(before, describe(openStore(small)));
        try (Stream<Path> files = Files.list(where)) {
            assertEquals(3, files.count(), "the snapshot, its journal and the lock file");
        }
    }

    @Test
    void aDirectoryHasOneStoreAtATime() {
        Path where = dir.resolve("one-at-a-time");
        JournalTrackerStore first = openStore(hourly(where));
        JournalException e = assertThrows(JournalException.class, () -> openStore(hourly(where)));
        assertTrue(e.getMessage().contains("open in another store"), e.getMessage());
        first.putTorrent(record(hash(5), "five", "", Set.of(), List.of("f"), T0));
        first.close();
        assertTrue(openStore(hourly(where)).torrent(hash(5)).isPresent(), "free again once the first one closed");
    }

    @Test
    void theDirectoryAndItsFilesAreTheOwnersOnly() throws IOException {
        Path where = dir.resolve("private").resolve("journal");
        openStore(hourly(where));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(where));
        JournalTrackerStore store = open.get(open.size() - 1);
        store.putTorrent(record(hash(1), "one", "", Set.of(), List.of("f"), T0));
        for (String file : List.of("journal-0.log", JournalTrackerStore.LOCK_FILE)) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(where.resolve(file)), file);
        }
    }

    @Test
    void aClosedStoreRefusesCallsWithAJournalException() {
        JournalTrackerStore store = openStore(hourly(dir.resolve("closed")));
        store.close();
        JournalException e = assertThrows(JournalException.class,
                () -> store.announce(announce(peer(hash(1), 1, 0, T0), AnnounceEvent.NONE, 0)));
        assertTrue(e.getMessage().contains("closed"));
    }

    static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
