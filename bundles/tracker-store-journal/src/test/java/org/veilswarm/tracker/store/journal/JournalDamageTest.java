package org.veilswarm.tracker.store.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veilswarm.api.tracker.AnnounceEvent;
import static org.veilswarm.tracker.store.journal.TestValues.T0;
import static org.veilswarm.tracker.store.journal.TestValues.announce;
import static org.veilswarm.tracker.store.journal.TestValues.hash;
import static org.veilswarm.tracker.store.journal.TestValues.peer;

/**
 * Damaged files: a journal cut short by a crash opens with its whole records (the cut bytes kept beside it);
 * anything else fails the open with the file and offset and changes no file.
 */
class JournalDamageTest {
    @TempDir
    Path dir;

    private Path written(String name) {
        Path where = dir.resolve(name);
        JournalTrackerStore store = new JournalTrackerStore(JournalTrackerStoreTest.hourly(where));
        for (int p = 0; p < 10; p++) {
            store.announce(announce(peer(hash(1), p, p, T0), AnnounceEvent.NONE, 0));
        }
        store.close();
        return where;
    }

    private static java.util.List<Object> state(Path where) {
        JournalTrackerStore store = new JournalTrackerStore(JournalTrackerStoreTest.hourly(where));
        try {
            return JournalTrackerStoreTest.describe(store);
        } finally {
            store.close();
        }
    }

    @Test
    void aRecordCutShortAtTheEndIsCutAndKeptAside() throws IOException {
        Path where = written("torn");
        java.util.List<Object> before = state(where);
        Path journal = where.resolve("journal-0.log");
        byte[] good = Files.readAllBytes(journal);
        // The first 30 bytes of another copy of the last record: a write the crash interrupted.
        Files.write(journal, Arrays.copyOfRange(good, RecordFraming.HEADER_BYTES, RecordFraming.HEADER_BYTES + 30),
                StandardOpenOption.APPEND);
        assertEquals(before, state(where));
        assertArrayEquals(good, Files.readAllBytes(journal), "cut back to the last whole record");
        assertEquals(30, Files.size(where.resolve("journal-0.log.torn-" + good.length)));
    }

    @Test
    void zerosAfterTheLastRecordAreATornTailToo() throws IOException {
        Path where = written("zeros");
        java.util.List<Object> before = state(where);
        Files.write(where.resolve("journal-0.log"), new byte[4096], StandardOpenOption.APPEND);
        assertEquals(before, state(where));
    }

    @Test
    void aNewestJournalOfZerosOnlyOpensEmptyAndItsBytesAreKeptAside() throws IOException {
        Path where = written("all-zeros");
        Path journal = where.resolve("journal-0.log");
        Files.write(journal, new byte[8192]); // a power loss kept the length, not the data
        java.util.List<Object> state = state(where);
        assertEquals(new org.veilswarm.api.tracker.TrackerStatistics(0, 0, 0, 0), state.get(0));
        assertEquals(8192, Files.size(where.resolve("journal-0.log.torn-0")));
        assertArrayEquals(RecordFraming.header(0), Files.readAllBytes(journal), "a new header written");
    }

    @Test
    void aDamagedRecordWithRecordsAfterItFailsTheOpenAndChangesNothing() throws IOException {
        Path where = written("damaged");
        Path journal = where.resolve("journal-0.log");
        byte[] bytes = Files.readAllBytes(journal);
        bytes[RecordFraming.HEADER_BYTES + RecordFraming.FRAME_BYTES + 5] ^= 0x40;
        Files.write(journal, bytes);
        JournalException e = assertThrows(JournalException.class,
                () -> new JournalTrackerStore(JournalTrackerStoreTest.hourly(where)));
        assertTrue(e.getMessage().contains(journal.toString()) && e.getMessage().contains("at offset 16")
                && e.getMessage().contains("checksum"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(journal));
        try (var files = Files.list(where)) {
            assertEquals(2, files.count(), "no file added or removed (the journal and the lock file)");
        }
    }

    @Test
    void aFileThatIsNotAJournalOrOfAnotherGenerationIsRefused() throws IOException {
        Path where = written("foreign");
        Path journal = where.resolve("journal-0.log");
        byte[] bytes = Files.readAllBytes(journal);
        Files.move(journal, where.resolve("journal-1.log"));
        JournalException gap = assertThrows(JournalException.class,
                () -> new JournalTrackerStore(JournalTrackerStoreTest.hourly(where)));
        assertTrue(gap.getMessage().contains("missing files"), gap.getMessage());
        Files.delete(where.resolve("journal-1.log"));
        Files.write(journal, "PK\u0003\u0004 a zip file, not a journal".getBytes());
        JournalException foreign = assertThrows(JournalException.class,
                () -> new JournalTrackerStore(JournalTrackerStoreTest.hourly(where)));
        assertTrue(foreign.getMessage().contains("not a Veilswarm tracker journal"), foreign.getMessage());
        byte[] newer = bytes.clone();
        newer[7] = 9; // format version 9
        Files.write(journal, newer);
        JournalException version = assertThrows(JournalException.class,
                () -> new JournalTrackerStore(JournalTrackerStoreTest.hourly(where)));
        assertTrue(version.getMessage().contains("journal format 9"), version.getMessage());
    }

    @Test
    void aDamagedSnapshotFailsTheOpenAndChangesNothing() throws IOException {
        Path where = dir.resolve("snapshot");
        JournalSettings small = new JournalSettings(where, org.veilswarm.tracker.store.memory.MemoryStoreLimits.DEFAULT,
                java.time.Duration.ofHours(1), false, 4096, 64L << 20);
        JournalTrackerStore store = new JournalTrackerStore(small);
        JournalTrackerStoreTest.exercise(store, 10, 30);
        long generation = store.generation();
        store.close();
        Path snapshot = where.resolve("snapshot-" + generation + ".bin");
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length / 2] ^= 1;
        Files.write(snapshot, bytes);
        JournalException e = assertThrows(JournalException.class, () -> new JournalTrackerStore(small));
        assertTrue(e.getMessage().contains(snapshot.toString()) && e.getMessage().contains("checksum"),
                e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(snapshot));
    }
}
