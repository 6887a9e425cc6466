package org.veilswarm.peerwire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jazzer fuzz target for the message decoder. In a plain {@code mvn verify} it runs once per seed in
 * {@code src/test/resources/org/veilswarm/peerwire/PeerMessageFuzzTestInputs/decode/} (a frame of every
 * message); with {@code JAZZER_FUZZ=1} Jazzer mutates inputs. See {@link DecoderProperty} for what must
 * hold; {@link PeerMessageMutationTest} runs a bounded seeded mutation pass in every build.
 */
@ExtendWith(LeakRecorder.class)
class PeerMessageFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        // The first byte picks how the rest is cut into reads, so splitting is fuzzed too.
        if (input.length == 0) {
            return;
        }
        DecoderProperty.check(java.util.Arrays.copyOfRange(input, 1, input.length), input[0] & 0xff);
    }
}
