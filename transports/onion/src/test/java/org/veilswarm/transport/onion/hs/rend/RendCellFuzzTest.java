package org.veilswarm.transport.onion.hs.rend;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz targets for what introduction points and services parse from strangers (rend-spec-v3 §3). A
 * plain {@code mvn verify} replays the seeds in
 * {@code src/test/resources/org/veilswarm/transport/onion/hs/rend/RendCellFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1 mvn -pl transports/onion surefire:test -Dtest='RendCellFuzzTest#introduce2'} fuzzes
 * for real. {@link RendCellMutationTest} mutates the same kind of inputs in every build. Properties:
 * {@link RendCellFuzzing}.
 */
class RendCellFuzzTest {

    /** An INTRODUCE2 body as a service receives it from its intro point (§3.2.1, §3.3): anyone can send one. */
    @FuzzTest(maxDuration = "60s")
    void introduce2(byte[] input) {
        RendCellFuzzing.checkIntroduce(input);
    }

    /**
     * The service's whole decision on an INTRODUCE2 ({@code IntroductionCheck}) for cells the harness makes
     * authentic, tampers with or replays, so that the fuzzer reaches past the MAC (the target above stops there).
     */
    @FuzzTest(maxDuration = "60s")
    void introduce2Authentic(byte[] input) {
        RendCellFuzzing.checkIntroduceAuthentic(input);
    }

    /** The decrypted INTRODUCE2 plaintext (§3.3): a client that knows the service's keys controls it fully. */
    @FuzzTest(maxDuration = "60s")
    void introducePlaintext(byte[] input) {
        RendCellFuzzing.checkIntroducePlaintext(input);
    }

    /** ESTABLISH_INTRO as an intro point receives it from any circuit (§3.1.1). */
    @FuzzTest(maxDuration = "60s")
    void establishIntro(byte[] input) {
        RendCellFuzzing.checkEstablishIntro(input);
    }
}
