package org.veilswarm.transport.tor.control.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for the reply decoder. A plain {@code mvn verify} runs it once per seed in
 * {@code src/test/resources/org/veilswarm/transport/tor/control/internal/ControlReplyDecoderFuzzTestInputs/decode/};
 * {@code JAZZER_FUZZ=1 mvn -pl transports/tor test -Dtest=ControlReplyDecoderFuzzTest} fuzzes for real.
 * {@link ControlReplyDecoderMutationTest} mutates the same kind of input in every build. Properties: {@link ReplyFuzzing}.
 */
class ControlReplyDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        ReplyFuzzing.check(input);
    }
}
