package org.veilswarm.swarm.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for the resume file ({@link ResumeData}), read at every start of a torrent from the data
 * directory, where a crash, a full disk or another program may have left anything. Any defect must be a
 * {@link StorageException} (the store then hashes everything again), never another exception that would stop
 * the torrent; what decodes is written again by {@link ResumeData#encode()} as bytes that decode to the same
 * resume data and are themselves written again unchanged. A plain {@code mvn verify} runs the seeds in
 * {@code src/test/resources/org/veilswarm/swarm/storage/ResumeDataFuzzTestInputs/decode/} once;
 * {@code JAZZER_FUZZ=1} mutates (docs/fuzzing.md).
 */
class ResumeDataFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        ResumeData data;
        try {
            data = ResumeData.decode(input);
        } catch (StorageException refused) {
            return;
        }
        byte[] written = data.encode();
        ResumeData again;
        try {
            again = ResumeData.decode(written);
        } catch (StorageException e) {
            throw new AssertionError("our own resume file does not decode: " + e.getMessage(), e);
        }
        assertEquals(data, again);
        assertArrayEquals(written, again.encode());
    }
}
