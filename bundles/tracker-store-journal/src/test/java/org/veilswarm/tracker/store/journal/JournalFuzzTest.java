package org.veilswarm.tracker.store.journal;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer targets for the journal store's files, read at every start from the data directory, where a crash, a full
 * disk or another program may have left anything: a journal file ({@link JournalReader}) and a snapshot
 * ({@link SnapshotCodec}). Only {@link ByteReader.FormatException} may escape (the store then refuses to open and
 * names the file and offset), never another exception; what reads is what our writer writes for the values read
 * ({@link JournalProperties} says exactly, and where the readers accept a second spelling). A plain
 * {@code mvn verify} runs the seeds in
 * {@code src/test/resources/org/veilswarm/tracker/store/journal/JournalFuzzTestInputs/<method>/} once;
 * {@code JAZZER_FUZZ=1} mutates (docs/fuzzing.md); {@link JournalMutationTest} runs a bounded seeded mutation pass
 * in every build.
 *
 * <p>Each target reads the input as it is and, if that differs, once more with its checksums computed again:
 * a fuzzer does not forge CRC-32C, so without the second reading nearly every change inside a record would stop at
 * the checksum and the decoders behind it would go unfuzzed (a first 60 s run without it read 2.3 million inputs
 * and not one entry the seeds do not hold).
 */
class JournalFuzzTest {

    /** A journal file of generation 0, read as the newest journal and as an older one. */
    @FuzzTest(maxDuration = "60s")
    void readJournal(byte[] data) {
        JournalProperties.readJournal(data);
        byte[] sealed = JournalProperties.recordChecksumsFixed(data);
        if (!Arrays.equals(sealed, data)) {
            JournalProperties.readJournal(sealed);
        }
    }

    /** A snapshot file of generation 1. */
    @FuzzTest(maxDuration = "60s")
    void readSnapshot(byte[] data) {
        JournalProperties.readSnapshot(data);
        byte[] sealed = JournalProperties.snapshotChecksumFixed(data);
        if (!Arrays.equals(sealed, data)) {
            JournalProperties.readSnapshot(sealed);
        }
    }
}
