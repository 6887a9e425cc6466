package org.veilswarm.transport.onion.hs;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz targets for the descriptor parsers. A plain {@code mvn verify} replays the seeds in
 * {@code src/test/resources/org/veilswarm/transport/onion/hs/DescriptorFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1 mvn -pl transports/onion test -Dtest=DescriptorFuzzTest} fuzzes for real.
 * {@link DescriptorMutationTest} mutates the same kind of inputs in every build. Properties: {@link DescriptorFuzzing}.
 */
class DescriptorFuzzTest {

    /** The outer document an HSDir receives from anyone (rend-spec-v3 §2.4). */
    @FuzzTest(maxDuration = "60s")
    void parseOuterDocument(byte[] input) {
        DescriptorFuzzing.checkOuter(input);
    }

    /** A decrypted first layer (§2.5.1.2): only a service holding the keys can produce it, but parse it safely. */
    @FuzzTest(maxDuration = "60s")
    void parseFirstLayer(byte[] input) {
        DescriptorFuzzing.checkFirstLayer(input);
    }

    /**
     * A client opening the descriptor of a hostile service (§2.5): signed correctly, layers of any content
     * (see {@link DescriptorFuzzing#checkHostileService}).
     */
    @FuzzTest(maxDuration = "60s")
    void openHostileDescriptor(byte[] input) {
        DescriptorFuzzing.checkHostileService(input);
    }

    /** A decrypted second layer (§2.5.2.2). */
    @FuzzTest(maxDuration = "60s")
    void parseSecondLayer(byte[] input) {
        DescriptorFuzzing.checkSecondLayer(input);
    }
}
