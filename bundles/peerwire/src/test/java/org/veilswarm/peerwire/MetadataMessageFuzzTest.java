package org.veilswarm.peerwire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jazzer fuzz target for the BEP 9 {@code ut_metadata} decoder: the input is the payload of an extended
 * message under our ut_metadata id (the first byte chooses how the frame is cut into reads). In a plain
 * {@code mvn verify} it runs once per seed in
 * {@code src/test/resources/org/veilswarm/peerwire/MetadataMessageFuzzTestInputs/decode/}; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates. {@link MetadataMessageProperty} says what must hold;
 * {@link MetadataMessageMutationTest} runs a bounded seeded mutation pass in every build.
 */
@ExtendWith(LeakRecorder.class)
class MetadataMessageFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        if (input.length == 0) {
            return;
        }
        MetadataMessageProperty.check(java.util.Arrays.copyOfRange(input, 1, input.length), input[0] & 0xff);
    }
}
